"""The archive's word analysis (``analysis.py``) as a Whoosh analyzer, for the Whoosh schema."""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from archive.search.analysis import WORD_RE, base, fold, is_name_at, stem


class QuoteAnalyzer(Tokenizer):
    """A Whoosh analyzer producing either the exact or the stemmed form of each word.

    It stands in for a tokenizer and filter chain; being one class it pickles into the index
    schema by name, so changing this code changes how old and new documents are read alike.
    """

    def __init__(self, stemming: bool = True):
        self.stemming = stemming
        self.is_morph = stemming

    def __eq__(self, other):
        return type(self) is type(other) and self.stemming == other.stemming

    def __hash__(self):
        return hash((type(self), self.stemming))

    def __repr__(self):
        return f"QuoteAnalyzer(stemming={self.stemming})"

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = fold(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        stemming = self.stemming
        for pos, match in enumerate(WORD_RE.finditer(value)):
            raw = match.group()
            exact = fold(raw)
            if not stemming:
                text = exact
            elif raw[0].isupper() and is_name_at(value, match.start()):
                text = base(exact)
            else:
                text = stem(exact)
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = raw
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


STEMMING_ANALYZER = QuoteAnalyzer(stemming=True)
EXACT_ANALYZER = QuoteAnalyzer(stemming=False)
