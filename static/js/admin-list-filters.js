// The admin's search-box list filters (core.admin.AutocompleteFilter): Django's autocomplete (select2, loaded
// by AutocompleteFilterMedia) fills the box as one types; choosing an object opens the list filtered by it,
// keeping the other filters and starting again from the first page.
(function () {
  "use strict";

  var $ = window.django && window.django.jQuery;
  if (!$) return;

  $(document).on("change", "select.autocomplete-filter", function () {
    if (!this.value) return;
    var url = new URL(window.location.href);
    url.searchParams.delete("p");
    url.searchParams.delete(this.dataset.clear);
    url.searchParams.set(this.name, this.value);
    window.location.assign(url.toString());
  });
})();
