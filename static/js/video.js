// Videos in a page's body (embeds/): each is a link to the video on its platform, and nothing is asked of the
// platform until the reader presses it. Then the platform's privacy-enhanced player (youtube-nocookie.com, or
// Vimeo with dnt=1) takes the link's place and plays; the page's Content-Security-Policy allows exactly its frames.
// Without JavaScript the link opens the video on the platform. A click with a modifier key (a new tab) is left to
// the browser.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-video-player]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.className = "video__frame";
    frame.title = link.getAttribute("data-video-title");
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.src = link.getAttribute("data-video-player");
    link.replaceWith(frame);
    // The link that had the focus is gone: the player takes it, so a keyboard user goes on from there.
    frame.focus();
  });
})();
