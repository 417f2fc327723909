"""seqlab.experiments: the chapter's experiments as declarative configs, the runner
behind ``seqlab run`` and ``seqlab compare``, run folders and their reports.

    from seqlab.experiments import catalog, run
    folder = run(catalog.get("imdb_lstm"))          # runs/imdb_lstm-…/report.html
    folder = compare("reviews.csv")                  # RNN or ConvNet? on your own data
"""

from seqlab.experiments import catalog
from seqlab.experiments.comparison import CompareOptions, compare
from seqlab.experiments.config import ConfigError, ExperimentConfig, load_config
from seqlab.experiments.rundir import RunFolder
from seqlab.experiments.runner import resume, run
from seqlab.experiments.runs import runs_table

__all__ = ["CompareOptions", "ConfigError", "ExperimentConfig", "RunFolder", "catalog", "compare",
           "load_config", "resume", "run", "runs_table"]
