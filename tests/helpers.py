"""Helpers shared by tests: what a browser would send back from a page's form."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collects the fields of the first <form> whose id is `form_id` (or the first form) as a browser submits it."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.done = False
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and not self.in_form:
            self.in_form = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["selected"] or ([] if select["multiple"] else select["options"][:1])
            self.fields.extend((select["name"], value) for value in chosen)


def form_fields(html, form_id=None):
    """The (name, value) pairs a browser would submit from the form, file inputs left empty."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields


def form_data(html, form_id=None, **changes):
    """`form_fields` as a dict for the test client (lists for repeated names), with `changes` applied."""
    data = {}
    for name, value in form_fields(html, form_id):
        data.setdefault(name, []).append(value)
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    data.update(changes)
    return data
