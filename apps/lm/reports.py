"""Plain-text reports of `seqkit lm` results (scores, comparisons, samples, evaluations)."""

UNIT = {"char": "character", "word": "word"}


def format_score(result, unk_note):
    """One sentence's score: total log-probability, P(sentence), perplexity, then one line per token."""
    lines = [
        f"{result['text']}",
        f"  log P = {result['log_probability']:.4f} (natural log; log10 P = {result['log10_probability']:.4f})  "
        f"P = {result['probability']}  perplexity = {result['perplexity']:.3f} over {result['num_tokens']} tokens",
    ]
    for token in result["tokens"]:
        mark = "  -> <UNK>" if token["unknown"] else ""
        lines.append(f"    {token['token']!r:>16}  {token['log_prob']:9.4f}{mark}")
    if result["unknown"]:
        lines.append(f"  note: {len(result['unknown'])} unknown token(s) scored as <UNK>. {unk_note}")
    return "\n".join(lines)


def format_comparison(results):
    """A ranking of sentences by P(sentence), most likely first."""
    lines = [f"{'rank':>4}  {'P(sentence)':>11}  {'log P':>10}  {'perplexity':>10}  {'x less likely':>13}  sentence"]
    for result in results:
        flag = "  (has <UNK>)" if result["unknown"] else ""
        lines.append(
            f"{result['rank']:>4}  {result['probability']:>11}  {result['log_probability']:>10.4f}  "
            f"{result['perplexity']:>10.3f}  {result['times_less_likely']:>13.4g}  {result['text']}{flag}"
        )
    return "\n".join(lines)


def format_samples(samples):
    """One sample per line; sequences cut by --max-length before <EOS> end with '…'. Samples of several lines
    (running text) are separated by a line of dashes."""
    if any("\n" in sample["text"] for sample in samples):
        return "\n-----\n".join(sample["text"] for sample in samples)
    return "\n".join(sample["text"] + ("" if sample["complete"] else " …") for sample in samples)


def format_evaluation(metrics):
    unit = UNIT[metrics["level"]]
    if metrics.get("unit") == "text":
        counted = f"{metrics['sequences']} lines of running text, {metrics['tokens']} tokens predicted"
        counted += f" ({unit}s and <NL>)"
    else:
        counted = f"{metrics['sequences']} sequences, {metrics['tokens']} tokens predicted"
        counted += f" ({unit}s plus one <EOS> each)"
    return (
        f"{counted}\n"
        f"perplexity:     {metrics['perplexity']:.4f}\n"
        f"bits per {unit}: {metrics['bits_per_token']:.4f}\n"
        f"log P (nats):   {metrics['log_probability']:.2f}\n"
        f"unknown {unit}s: {100 * metrics['unknown_rate']:.2f}% (scored as <UNK>)"
    )
