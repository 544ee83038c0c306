"""Count-based n-gram language models: the baselines a recurrent language model must beat.

Pure Python (no TensorFlow). A model is fitted on token sequences (characters, words or ids) and scores each
token of a sequence followed by an end token, exactly as a recurrent language model trained with `<EOS>`
does, so bits per token of both are comparable when they share a vocabulary.

Three smoothings:

- `"add_k"`: additive smoothing backed off recursively to the next lower order,
  `P_n(w | h) = (c(h, w) + k·V·P_{n-1}(w | h')) / (c(h) + k·V)` with `P_0(w) = 1 / V`, where `h'` drops the
  oldest token of `h`. For order 1 it is plain add-k, `(c(w) + k) / (N + k·V)`.
- `"kneser_ney"`: interpolated Kneser–Ney with an absolute discount `D`,
  `P_n(w | h) = (max(c(h, w) − D, 0) + D·N₁₊(h •)·P_{n-1}(w | h')) / c(h)`, where the counts of every order
  below the highest are continuation counts (the number of distinct tokens seen before the n-gram).
- `"modified_kneser_ney"`: interpolated Kneser–Ney with three discounts per order (Chen & Goodman 1998),
  `D(c) = D₁, D₂, D₃₊` for a count of 1, 2 and 3 or more, estimated from the order's count-of-counts `n₁ … n₄`
  (`Y = n₁ / (n₁ + 2 n₂)`, `D_j = j − (j + 1)·Y·n_{j+1} / n_j`), and the back-off mass
  `(D₁·N₁(h •) + D₂·N₂(h •) + D₃₊·N₃₊(h •)) / c(h)`. An order whose count-of-counts do not give discounts in
  `(0, j]` (tiny corpora) uses `discount` for all three.

Sequences are padded on the left with `order − 1` start symbols, so the first tokens are predicted from a
"sequence start" context. Contexts never seen fall back to the lower order. Probabilities over the `V`
possible outcomes (the vocabulary plus the end token) sum to one.

Example:

>>> model = NGramModel(order=2, vocabulary_size=3, smoothing="add_k", k=1.0).fit([["a", "b"], ["a"]])
>>> model.probability(["a"], "b")   # (c(a b) + 1·3·P_1(b)) / (c(a) + 1·3), P_1(b) = (1 + 1) / (5 + 3)
0.35
>>> model.token_probabilities(["a", "b"])
[0.625, 0.35, 0.53125]
"""

import collections
import math

SMOOTHINGS = ("add_k", "kneser_ney", "modified_kneser_ney")
START = ("<ngram-start>",)
END = "<ngram-end>"


class NGramModel:
    """An n-gram language model with add-k back-off or interpolated (or modified) Kneser–Ney smoothing.

    Args:
        order: int. The n of the n-grams (1 = unigram, 3 = trigram).
        vocabulary_size: int. `V`, the number of possible outcomes: every token that can occur plus the end
            token (map rare tokens to one unknown token first so that `V` is finite and matches the model
            being compared).
        smoothing: `"add_k"`, `"kneser_ney"` or `"modified_kneser_ney"`.
        k: float. The pseudo-count of `"add_k"` (positive).
        discount: float. The Kneser–Ney discount `D`, in `(0, 1)` (for `"modified_kneser_ney"`, the fallback
            of an order whose discounts cannot be estimated).
        end_token: the token appended to every sequence (scored like `<EOS>`).

    Example:

    >>> model = NGramModel(order=3, vocabulary_size=5, smoothing="kneser_ney").fit(["abc", "abd"])
    >>> round(sum(model.probability("ab", w) for w in "abcd") + model.probability("ab", model.end_token), 6)
    1.0
    """

    def __init__(self, order, vocabulary_size, smoothing="kneser_ney", k=0.1, discount=0.75, end_token=END):
        if isinstance(order, bool) or not isinstance(order, int) or order < 1:
            raise ValueError(f"`order` must be a positive integer. Received: order={order!r}")
        if isinstance(vocabulary_size, bool) or not isinstance(vocabulary_size, int) or vocabulary_size < 1:
            raise ValueError(
                f"`vocabulary_size` must be a positive integer. Received: vocabulary_size={vocabulary_size!r}"
            )
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"`smoothing` must be one of {SMOOTHINGS}. Received: smoothing={smoothing!r}")
        if not k > 0:
            raise ValueError(f"`k` must be a positive number. Received: k={k!r}")
        if not 0 < discount < 1:
            raise ValueError(f"`discount` must be in (0, 1). Received: discount={discount!r}")
        self.order = order
        self.vocabulary_size = vocabulary_size
        self.smoothing = smoothing
        self.k = float(k)
        self.discount = float(discount)
        self.end_token = end_token
        # For each order n (index n - 1): n-gram counts, context totals, distinct followers per context, and
        # (modified Kneser–Ney) the followers seen once, twice and three times or more per context.
        self._counts = [collections.Counter() for _ in range(order)]
        self._totals = [collections.Counter() for _ in range(order)]
        self._types = [collections.Counter() for _ in range(order)]
        self._followers = [collections.defaultdict(lambda: [0, 0, 0]) for _ in range(order)]
        # (D₁, D₂, D₃₊) of each order; the single `discount` three times unless modified Kneser–Ney estimates them.
        self.discounts = [(self.discount,) * 3 for _ in range(order)]

    def _padded(self, sequence):
        return START * (self.order - 1) + tuple(sequence) + (self.end_token,)

    def fit(self, sequences):
        """Count the n-grams of `sequences` (an iterable of token sequences; a `str` is a character sequence).

        Returns:
            The model itself.
        """
        highest = self._counts[-1]
        for sequence in sequences:
            padded = self._padded(sequence)
            for end in range(self.order - 1, len(padded)):
                highest[padded[end - self.order + 1 : end + 1]] += 1
        # Lower orders: continuation counts (Kneser–Ney) or raw counts (add-k), from the order above.
        for n in range(self.order - 1, 0, -1):
            lower = self._counts[n - 1]
            for ngram, count in self._counts[n].items():
                lower[ngram[1:]] += count if self.smoothing == "add_k" else 1
        modified = self.smoothing == "modified_kneser_ney"
        for n, counts in enumerate(self._counts):
            for ngram, count in counts.items():
                self._totals[n][ngram[:-1]] += count
                self._types[n][ngram[:-1]] += 1
                if modified:
                    self._followers[n][ngram[:-1]][min(count, 3) - 1] += 1
            if modified:
                self.discounts[n] = _modified_discounts(counts.values(), self.discount)
        return self

    def probability(self, context, token):
        """`P(token | context)`: `context` is the list of preceding tokens of the sequence (any length)."""
        context = (START * (self.order - 1) + tuple(context))[len(context) :] if self.order > 1 else ()
        size = self.vocabulary_size
        probability = 1.0 / size
        for n in range(self.order):
            history = context[len(context) - n :] if n else ()
            total = self._totals[n].get(history, 0)
            if not total:
                continue
            count = self._counts[n].get(history + (token,), 0)
            if self.smoothing == "kneser_ney":
                mass = self.discount * self._types[n][history]
                probability = (max(count - self.discount, 0.0) + mass * probability) / total
            elif self.smoothing == "modified_kneser_ney":
                discounts = self.discounts[n]
                mass = sum(d * f for d, f in zip(discounts, self._followers[n][history]))
                kept = count - discounts[min(count, 3) - 1] if count else 0.0
                probability = (kept + mass * probability) / total
            else:
                probability = (count + self.k * size * probability) / (total + self.k * size)
        return probability

    def token_probabilities(self, sequence):
        """The probability of every token of `sequence` and of the end token after it (a list of floats)."""
        padded = self._padded(sequence)
        start = self.order - 1
        return [self.probability(padded[:end][start:], padded[end]) for end in range(start, len(padded))]

    def log_probability(self, sequences):
        """Sum of natural-log probabilities of every token (end tokens included) and the number of tokens.

        Returns:
            `(log_probability, count)`; pass them to `seqkit.metrics.perplexity.bits_per_token`.
        """
        total, count = 0.0, 0
        for sequence in sequences:
            for probability in self.token_probabilities(sequence):
                total += math.log(probability)
                count += 1
        return total, count


def _modified_discounts(counts, fallback):
    """`(D₁, D₂, D₃₊)` of Chen & Goodman from the count-of-counts of `counts`, or `(fallback,) * 3` when
    some `n_j` (j ≤ 4) is zero or a discount falls outside `(0, j]`."""
    histogram = collections.Counter(count for count in counts if count <= 4)
    n = [histogram[j] for j in (1, 2, 3, 4)]
    if not all(n):
        return (fallback,) * 3
    y = n[0] / (n[0] + 2 * n[1])
    discounts = tuple(j - (j + 1) * y * n[j] / n[j - 1] for j in (1, 2, 3))
    if not all(0 < d <= j for j, d in zip((1, 2, 3), discounts)):
        return (fallback,) * 3
    return discounts
