"""The search page and the search API: validate parameters, run one search, render."""

from __future__ import annotations

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.api.errors import SearchTimedOut
from archive.charts import timeline
from archive.models import Transcript
from archive.search.forms import SORT_CHOICES, SearchForm
from archive.search.serializers import SearchQuerySerializer, SearchResponseSerializer
from archive.search.service import SearchParams, search
from archive.speakers.addresses import moved_speaker_redirect

FACET_TITLES = {"speaker": "Speaker", "topic": "Topic", "year": "Year", "kind": "Kind"}


def _year_range(year: str) -> QueryDict:
    params = QueryDict(mutable=True)
    params["from"], params["to"] = f"{year}-01-01", f"{year}-12-31"
    return params


def _toggle_query(current: QueryDict, key: str, value) -> str:
    """The query string that adds this facet value as a filter, or removes it if chosen."""
    params = current.copy()
    params.pop("page", None)
    if key == "year":
        params.pop("from", None)
        params.pop("to", None)
        if not value.selected:
            params.update(_year_range(value.value))
    else:
        params.pop(key, None)
        if not value.selected:
            params[key] = value.value
    return params.urlencode()


def _period_link(current: QueryDict):
    """A function making the query string that narrows the current search to a period."""

    def link(start, end) -> str:
        params = current.copy()
        for name in ("page", "from", "to"):
            params.pop(name, None)
        params["from"], params["to"] = start.isoformat(), end.isoformat()
        return "?" + params.urlencode()

    return link


def search_page(request):
    """``/search/``: matching turns best first, with facets; an empty query lists the newest."""
    moved = moved_speaker_redirect(request)
    if moved:
        return moved
    form = SearchForm(request.GET)
    form.is_valid()
    result = search(form.params())
    facet_groups = []
    for key in ("speaker", "topic", "year", "kind"):
        values = result.facets.get(key) or []
        for value in values:
            value.query = _toggle_query(request.GET, key, value)
        if values:
            facet_groups.append({"key": key, "title": FACET_TITLES[key], "values": values})
    chart = timeline(result.months, _period_link(request.GET), undated=result.total - sum(result.months.values()))
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "result": result,
            "chart": chart,
            "facet_groups": facet_groups,
            "sort_choices": SORT_CHOICES,
            "kinds": Transcript.Kind.choices,
            "nav_section": "search",
        },
    )


def _page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{reverse('api_search')}?{params.urlencode()}")


def _search_url(request, **changes) -> str:
    params = QueryDict(mutable=True)
    params.update({k: v for k, v in request.GET.items() if k != "page"})
    for key, value in changes.items():
        params[key] = value
    return request.build_absolute_uri(f"{reverse('search')}?{params.urlencode()}")


def _result_json(request, item) -> dict:
    turn = item.turn
    absolute = request.build_absolute_uri
    speaker = None
    if turn.speaker_id:
        speaker = {"name": turn.speaker.name, "slug": turn.speaker.slug, "url": absolute(turn.speaker.get_absolute_url())}
    question = None
    if item.question is not None:
        question = {
            "speaker": item.question.display_speaker,
            "text": item.question_excerpt,
            "url": absolute(item.question.get_absolute_url()),
        }
    from archive.search.documents import spoken_text

    return {
        "url": absolute(turn.get_absolute_url()),
        "number": turn.number,
        "speaker": speaker,
        "speaker_label": turn.speaker_label,
        "display_speaker": turn.display_speaker,
        "text": spoken_text(turn.text, turn.notes),
        "highlighted": str(item.highlighted),
        "transcript": {
            "title": turn.transcript.title,
            "slug": turn.transcript.slug,
            "date": turn.transcript.date,
            "kind": turn.transcript.kind,
            "url": absolute(turn.transcript.get_absolute_url()),
        },
        "question": question,
        "topics": [{"name": t.name, "slug": t.slug} for t in turn.topics.all()],
        "score": round(item.score, 4),
    }


@extend_schema(parameters=[SearchQuerySerializer], responses=SearchResponseSerializer)
class SearchAPIView(APIView):
    """Quote search: the same parameters and results as /search/, as JSON."""

    moves = True  # a search naming a merged speaker answers 301
    can_time_out = True

    def get(self, request):
        moved = moved_speaker_redirect(request)
        if moved:
            return moved
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        # The page reports an inverted period as a mistake; the API searches it as asked.
        params = SearchParams(
            q=(data.get("q") or "").strip(),
            speaker=data.get("speaker", ""),
            topic=data.get("topic", ""),
            date_from=data.get("from"),
            date_to=data.get("to"),
            kind=data.get("kind", ""),
            sort=data.get("sort", "relevance"),
            page=data.get("page", 1),
        )
        result = search(params, clamp_page=False)
        if result.timed_out:
            raise SearchTimedOut()
        if params.page > result.num_pages:
            raise NotFound(f"There is no page {params.page}: the last is {result.num_pages}.")
        body = {
            "count": result.total,
            "page": result.page,
            "num_pages": result.num_pages,
            "sort": result.sort,
            "next": _page_url(request, result.page + 1) if result.has_next else None,
            "previous": _page_url(request, result.page - 1) if result.has_previous else None,
            "notices": result.notices,
            "results": [_result_json(request, item) for item in result.results],
            "facets": {
                key: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
                for key, values in result.facets.items()
            },
            "suggestions": [
                {
                    "speaker": {
                        "name": s.speaker.name,
                        "slug": s.speaker.slug,
                        "url": request.build_absolute_uri(s.speaker.get_absolute_url()),
                    },
                    "url": _search_url(request, q=s.q, speaker=s.speaker.slug),
                }
                for s in result.suggestions
            ],
        }
        return Response(body)


api_search = SearchAPIView.as_view()
