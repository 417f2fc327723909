"""seqlab.translate: translation with an attention encoder–decoder, end to end.

    from seqlab.translate import TextSide, Translator, build_model

    source = TextSide.build("word", spanish_train, max_length=20, max_tokens=8000)
    target = TextSide.build("word", english_train, max_length=20, max_tokens=6000)
    model = build_model(source, target, units=128)            # compiled, teacher forcing
    batches, _ = make_batches(train_pairs, source, target, batch_size=64)
    model.fit(batches, epochs=10)
    translator = Translator(model, source, target)
    translator.translate(["¿Dónde está la estación?"], beam=5)
    translator.save("spa_eng.translator")                       # seqlab translate MODEL "…"

:mod:`.experiment` runs the built-in configs (``seqlab translate --train NAME``)
and scores the held-out split with sacrebleu (:mod:`.scoring`, the
``translate`` extra).
"""

from seqlab.translate.data import make_batches, split_pairs
from seqlab.translate.model import build_model
from seqlab.translate.sides import TextSide
from seqlab.translate.translator import Translator, TranslatorFileError

__all__ = ["TextSide", "Translator", "TranslatorFileError", "build_model", "make_batches",
           "split_pairs"]
