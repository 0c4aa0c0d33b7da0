"""The daily summary's figures under its headline in the bell (KZ §19.6; oversight.summary)."""

from django import template

register = template.Library()


@register.simple_tag
def daily_summary_lines(message) -> list[str]:
    """The summary's figures as text lines (counts and codes' labels only), or none."""
    from oversight.summary import _summary_of, summary_lines

    summary = _summary_of(message)
    return summary_lines(summary) if summary is not None else []
