"""Reading search parameters from a query string, shared by the search page and the API."""

from __future__ import annotations

from django import forms

from archive.models import Transcript
from archive.search.service import SORTS, SearchParams

SORT_CHOICES = [
    ("relevance", "Best match"), ("newest", "Newest first"), ("oldest", "Oldest first"), ("added", "Recently added"),
]


class SearchForm(forms.Form):
    """Search parameters. Every field is optional; ``from`` and ``to`` are YYYY-MM-DD dates."""

    q = forms.CharField(required=False, strip=True, help_text='Words to find; "exact phrase", OR, -exclude.')
    speaker = forms.SlugField(required=False, help_text="Only turns by this speaker (slug).")
    topic = forms.SlugField(required=False, help_text="Only turns tagged with this topic (slug).")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind")] + list(Transcript.Kind.choices))
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD")
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD")

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", "The end date is before the start date.")
        return data

    def params(self) -> SearchParams:
        """Parameters from the valid fields; invalid ones are left out (the page says so)."""
        data = getattr(self, "cleaned_data", {}) or {}
        return SearchParams(
            q=data.get("q") or "",
            speaker=data.get("speaker") or "",
            topic=data.get("topic") or "",
            date_from=data.get("from") if "to" not in self.errors else None,
            date_to=data.get("to") if "to" not in self.errors else None,
            kind=data.get("kind") or "",
            sort=data.get("sort") if data.get("sort") in SORTS else "relevance",
            page=data.get("page") or 1,
        )
