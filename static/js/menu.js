// The header's dropdowns are <details>: they open and close without this script. With it, they also close as
// menus do elsewhere: Escape (back to the item), a click elsewhere, or the focus moving out of them.
(function () {
  "use strict";
  var groups = document.querySelectorAll(".site-nav__group");
  function close(group, focusSummary) {
    group.open = false;
    if (focusSummary) group.querySelector("summary").focus();
  }
  groups.forEach(function (group) {
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && group.open) {
        event.preventDefault();
        close(group, true);
      }
    });
    group.addEventListener("focusout", function (event) {
      if (group.open && event.relatedTarget && !group.contains(event.relatedTarget)) close(group, false);
    });
    group.addEventListener("toggle", function () {
      if (!group.open) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (group.open && !group.contains(event.target)) close(group, false); });
  });
})();
