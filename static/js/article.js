// Progressive enhancement of the article page; without JavaScript everything still works.
(function () {
  "use strict";
  // After a failed comment (or subscription), the summary of what to correct takes the focus, so screen readers
  // read it first.
  // On "load": the browser's own jump to the page's #respond would otherwise take the focus back.
  var formErrors = document.getElementById("form-errors");
  if (formErrors) window.addEventListener("load", function () { formErrors.focus(); });
})();

// The share box: "Copy link" and the device's own share sheet. Without JavaScript the box still offers
// every link and the address to copy by hand.
(function () {
  "use strict";
  var box = document.querySelector(".share");
  if (!box) return;
  var status = box.querySelector(".share__status");
  var copyButton = box.querySelector("[data-copy-link]");
  var shareButton = box.querySelector("[data-native-share]");
  var fallback = box.querySelector(".share__fallback");

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  if (copyButton && navigator.clipboard && window.isSecureContext) {
    copyButton.hidden = false;
    if (fallback) fallback.hidden = true;
    copyButton.addEventListener("click", function () {
      navigator.clipboard.writeText(copyButton.dataset.copyLink).then(
        function () { say("Link copied"); },
        function () { say("Could not copy the link. Select the address and copy it yourself."); if (fallback) fallback.hidden = false; }
      );
    });
  }

  if (shareButton && navigator.share) {
    shareButton.hidden = false;
    shareButton.addEventListener("click", function () {
      navigator.share({ title: document.title, url: shareButton.dataset.nativeShare }).catch(function () {});
    });
  }
})();
