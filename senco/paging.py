"""The `page_query` template tag: a page's address keeping the list's filters and search."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number: int) -> str:
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


class OpenPage:
    """A page of a list too long to count on every visit (the audit log grows for ever): it
    fetches one row more than it shows to know whether a next page exists."""

    paginator = None

    def __init__(self, rows, number: str | int | None, size: int):
        try:
            self.number = max(1, int(number or 1))
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * size
        fetched = list(rows[start : start + size + 1])
        self.object_list = fetched[:size]
        self.has_next = len(fetched) > size
        self.has_previous = self.number > 1
        self.previous_page_number = self.number - 1
        self.next_page_number = self.number + 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous
