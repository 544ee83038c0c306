"""CTC decoding in NumPy: greedy decoding and prefix beam search with shallow fusion and a lexicon.

No TensorFlow: the decoders take the per-frame log-probabilities of one utterance, `(frames, vocabulary)`
(e.g. `log_softmax` of `seqkit.tasks.ctc_recognizer` logits; id `blank`, 0 by default, is the CTC blank),
and return label ids. Logits work too: they differ from log-probabilities by one constant per frame, which
shifts the score of every path equally, so the ranking is the same (only the scores move).

`prefix_beam_search` keeps, for every label prefix, the probability of the frames so far ending in a blank
and ending in its last label, and merges the paths that collapse to the same prefix, so with a beam wide
enough it returns the exact most probable label sequence and its log-probability. Optionally it adds a
character language model (`lm_weight · log P_lm(char | text so far)` for each appended character), a bonus
per word, and a lexicon that every word must belong to.

Example:

>>> import numpy as np
>>> log_probs = np.log([[0.6, 0.4], [0.6, 0.4]])  # 2 frames, blank + label 1
>>> greedy_decode(log_probs)  # the best path is blank, blank
[]
>>> [(ids, round(float(np.exp(score)), 2)) for ids, score in prefix_beam_search(log_probs, top_paths=2)]
[([1], 0.64), ([], 0.36)]
"""

import math
import numbers

import numpy as np

NEG_INF = float("-inf")
_WORD_END = None  # key marking a complete word in a lexicon trie node


def _log_add(a, b):
    if a == NEG_INF:
        return b
    if b == NEG_INF:
        return a
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


def _check_log_probs(log_probs, blank, length):
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2:
        raise ValueError(
            "`log_probs` must be a 2-D array (frames, vocabulary). "
            f"Received: log_probs with shape {log_probs.shape}"
        )
    vocabulary = log_probs.shape[1]
    if isinstance(blank, bool) or not isinstance(blank, numbers.Integral) or not 0 <= blank < vocabulary:
        raise ValueError(f"`blank` must be an id in [0, {vocabulary}). Received: blank={blank!r}")
    if length is not None:
        if isinstance(length, bool) or not isinstance(length, numbers.Integral) or length < 0:
            raise ValueError(f"`length` must be a non-negative integer or None. Received: length={length!r}")
        log_probs = log_probs[: int(length)]
    return log_probs


def greedy_decode(log_probs, length=None, blank=0):
    """Best-path CTC decoding: the most probable label at every frame, repeats merged, blanks dropped.

    Args:
        log_probs: float array `(frames, vocabulary)` of log-probabilities (or logits).
        length: int or `None`. Valid frames; later frames are ignored.
        blank: int. The blank id.

    Returns:
        A list of label ids.

    Example:

    >>> import numpy as np
    >>> frames = [1, 1, 0, 1, 2, 2, 0]  # best label per frame
    >>> greedy_decode(np.eye(3)[frames]), greedy_decode(np.eye(3)[frames], length=4)
    ([1, 1, 2], [1, 1])
    """
    log_probs = _check_log_probs(log_probs, blank, length)
    ids, previous = [], None
    for best in np.argmax(log_probs, axis=1).tolist() if len(log_probs) else []:
        if best != previous and best != blank:
            ids.append(best)
        previous = best
    return ids


def _build_trie(words):
    root = {}
    for word in words:
        if not isinstance(word, str):
            raise ValueError(f"`lexicon` must hold strings. Received: {word!r} in lexicon")
        if not word:
            continue
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[_WORD_END] = True
    return root


def _token_texts(id_to_char, vocabulary, blank):
    """The text of every id (`None` for the blank, which needs none), checked."""
    texts = [None] * vocabulary
    for token in range(vocabulary):
        if token == blank:
            continue
        try:
            text = id_to_char[token]
        except (KeyError, IndexError):
            raise ValueError(
                f"`id_to_char` must give the text of every id but the blank. Received: no text for id {token}"
            ) from None
        if not isinstance(text, str):
            raise ValueError(f"`id_to_char` must map ids to strings. Received: id_to_char[{token}]={text!r}")
        texts[token] = text
    return texts


def prefix_beam_search(
    log_probs,
    *,
    beam_size=16,
    blank=0,
    length=None,
    lm=None,
    lm_weight=0.5,
    word_bonus=0.0,
    lexicon=None,
    space_id=None,
    id_to_char=None,
    top_paths=1,
):
    """CTC prefix beam search in log space, with optional shallow fusion and lexicon constraint.

    Every frame extends each prefix in the beam by the blank, by its last label (which merges with it
    unless a blank came between) and by every other label, sums the probabilities of the paths that reach
    the same prefix, and keeps the `beam_size` best prefixes. A prefix is ranked by

        log P_ctc(prefix | frames) + lm_weight · Σ log lm(text, char) + word_bonus · words

    where the language-model term is added once for each token appended to the prefix (the space
    included; the end of the text is not scored) and `words` counts the words ended by a space plus a
    final unfinished word.

    With a `lexicon`, a token may be appended only while the current word (the text since the last space)
    is the beginning of some lexicon word, and a space only right after a complete lexicon word (so no
    leading or double spaces). At the end only prefixes whose last word is complete are returned (the
    empty transcript and one ending in a space count as complete); when no prefix of the final beam is,
    the constraint on the last word is dropped and the best prefixes are returned as they are.

    Args:
        log_probs: float array `(frames, vocabulary)` of log-probabilities (natural log).
        beam_size: int. Prefixes kept after each frame.
        blank: int. The blank id.
        length: int or `None`. Valid frames; later frames are ignored.
        lm: callable or `None`. `lm(text, char)` returns the natural-log probability of the token text
            `char` after the decoded text `text` (a `str`); see `ngram_character_lm`.
        lm_weight: float. Weight of the language model's log-probabilities.
        word_bonus: float. Added to the score for every word (a bonus against the language model's bias
            toward short outputs; negative values penalise words).
        lexicon: iterable of words (strings) or `None`.
        space_id: int or `None`. The id of the word separator; by default the id that `id_to_char` maps
            to `" "`. Needed by `lexicon` and `word_bonus`.
        id_to_char: sequence or mapping from ids to token text (e.g. the recognizer's vocabulary), giving
            the text of every id but the blank. Needed by `lm` and `lexicon`.
        top_paths: int. Number of results, at most `beam_size`.

    Returns:
        A list of at most `top_paths` `(ids, score)`, best first: `ids` a list of label ids, `score` the
        ranking score above (with no `lm` and `word_bonus` 0, the CTC log-probability of `ids`: exact
        when the beam is wide enough to hold every prefix that leads to it).

    Example:

    >>> import numpy as np
    >>> vocabulary = ["-", "a", "b", " "]
    >>> log_probs = np.log([[0.1, 0.5, 0.35, 0.05], [0.8, 0.1, 0.05, 0.05]])
    >>> prefix_beam_search(log_probs)[0][0]  # acoustically "a"
    [1]
    >>> prefix_beam_search(log_probs, lexicon=["b"], id_to_char=vocabulary)[0][0]
    [2]
    """
    log_probs = _check_log_probs(log_probs, blank, length)
    vocabulary = log_probs.shape[1]
    if isinstance(beam_size, bool) or not isinstance(beam_size, numbers.Integral) or beam_size < 1:
        raise ValueError(f"`beam_size` must be a positive integer. Received: beam_size={beam_size!r}")
    if (
        isinstance(top_paths, bool)
        or not isinstance(top_paths, numbers.Integral)
        or not 1 <= top_paths <= beam_size
    ):
        raise ValueError(
            f"`top_paths` must be a positive integer at most `beam_size` ({beam_size}). "
            f"Received: top_paths={top_paths!r}"
        )
    if lm is not None and not callable(lm):
        raise ValueError(f"`lm` must be a callable `lm(text, char)` or None. Received: lm={lm!r}")
    for name, value in (("lm_weight", lm_weight), ("word_bonus", word_bonus)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"`{name}` must be a finite number. Received: {name}={value!r}")
    if (lm is not None or lexicon is not None) and id_to_char is None:
        needs = "lm" if lm is not None else "lexicon"
        raise ValueError(f"`id_to_char` is needed with `{needs}`. Received: id_to_char=None")
    token_texts = _token_texts(id_to_char, vocabulary, blank) if id_to_char is not None else None
    if space_id is None and token_texts is not None:
        space_id = next((i for i, text in enumerate(token_texts) if text == " "), None)
    if space_id is not None and (
        isinstance(space_id, bool) or not isinstance(space_id, numbers.Integral) or not 0 <= space_id < vocabulary
    ):
        raise ValueError(f"`space_id` must be an id in [0, {vocabulary}). Received: space_id={space_id!r}")
    if space_id is not None and space_id == blank:
        raise ValueError(f"`space_id` must not be the blank id. Received: space_id={space_id!r}")
    if space_id is None and (lexicon is not None or word_bonus):
        needs = "lexicon" if lexicon is not None else "word_bonus"
        raise ValueError(
            f"`space_id` is needed with `{needs}` (or an `id_to_char` that maps an id to ' '). "
            "Received: space_id=None"
        )
    trie = _build_trie(lexicon) if lexicon is not None else None
    lm_weight, word_bonus = float(lm_weight), float(word_bonus)

    # Prefixes are nodes of a tree (node 0 the empty prefix), so extending one costs O(1). Per node: its
    # parent, last token, fusion score, lexicon node of the current word, decoded text, current word not empty.
    parents, last_tokens, fusions, word_nodes, texts, in_words = [-1], [None], [0.0], [trie], [""], [False]
    children = {}  # (node, token) -> child node, or None where the lexicon forbids the token

    def extend(prefix, token):
        key = (prefix, token)
        if key in children:
            return children[key]
        fusion, node, text, in_word = fusions[prefix], word_nodes[prefix], texts[prefix], in_words[prefix]
        char = token_texts[token] if token_texts is not None else ""
        if token == space_id:
            if trie is not None and not (in_word and _WORD_END in node):
                children[key] = None
                return None
            if in_word:
                fusion += word_bonus
            node, in_word = trie, False
        else:
            if trie is not None:
                for c in char:
                    node = node.get(c)
                    if node is None:
                        children[key] = None
                        return None
            in_word = True
        if lm is not None:
            fusion += lm_weight * float(lm(text, char))
        child = len(parents)
        parents.append(prefix)
        last_tokens.append(token)
        fusions.append(fusion)
        word_nodes.append(node)
        texts.append(text + char if lm is not None else "")
        in_words.append(in_word)
        children[key] = child
        return child

    # Beam: prefix node -> [log P(ending in blank), log P(ending in its last label)].
    beam = {0: [0.0, NEG_INF]}
    for frame in log_probs.tolist():
        candidates = [(token, p) for token, p in enumerate(frame) if p != NEG_INF]
        following = {}

        def add(prefix, blank_score, label_score):
            scores = following.get(prefix)
            if scores is None:
                following[prefix] = [blank_score, label_score]
            else:
                scores[0] = _log_add(scores[0], blank_score)
                scores[1] = _log_add(scores[1], label_score)

        for prefix, (p_blank, p_label) in beam.items():
            p_total = _log_add(p_blank, p_label)
            last = last_tokens[prefix]
            for token, p in candidates:
                if token == blank:
                    add(prefix, p_total + p, NEG_INF)
                elif token == last:
                    add(prefix, NEG_INF, p_label + p)  # the repeat merges with the last label
                    if p_blank != NEG_INF:
                        child = extend(prefix, token)
                        if child is not None:
                            add(child, NEG_INF, p_blank + p)  # a blank came between
                else:
                    child = extend(prefix, token)
                    if child is not None:
                        add(child, NEG_INF, p_total + p)
        ranked = sorted(following.items(), key=lambda item: _log_add(*item[1]) + fusions[item[0]], reverse=True)
        beam = dict(ranked[:beam_size])

    def ids_of(prefix):
        ids = []
        while prefix > 0:
            ids.append(last_tokens[prefix])
            prefix = parents[prefix]
        return ids[::-1]

    finished = list(beam.items())
    if trie is not None:
        complete = [item for item in finished if not in_words[item[0]] or _WORD_END in word_nodes[item[0]]]
        finished = complete or finished
    results = [
        (ids_of(prefix), _log_add(*scores) + fusions[prefix] + (word_bonus if in_words[prefix] else 0.0))
        for prefix, scores in finished
    ]
    results.sort(key=lambda item: item[1], reverse=True)
    return results[:top_paths]


def ngram_character_lm(model):
    """Adapts a character `seqkit.metrics.ngram.NGramModel` to the `lm` of `prefix_beam_search`.

    Args:
        model: a fitted `NGramModel` whose tokens are characters (the space included).

    Returns:
        A callable `lm(text, char)`: the natural log of `model.probability(text, char)` (`-inf` for a
        probability of 0).

    Example:

    >>> from seqkit.metrics.ngram import NGramModel
    >>> model = NGramModel(order=2, vocabulary_size=4, smoothing="add_k", k=1.0).fit(["ab", "ab"])
    >>> lm = ngram_character_lm(model)
    >>> lm("a", "b") > lm("a", "a")
    True
    """

    def lm(text, char):
        probability = model.probability(text, char)
        return math.log(probability) if probability > 0 else NEG_INF

    return lm
