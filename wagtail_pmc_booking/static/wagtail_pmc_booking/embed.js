/**
 * wagtail_pmc_booking embed for sites outside Wagtail:
 *
 *   <div data-pmc-booking="product-demo"></div>
 *   <script src="https://booking.example.com/static/wagtail_pmc_booking/embed.js" async></script>
 *
 * Each div becomes an iframe of the booking widget that sizes itself to its content.
 * Optional attributes: data-pmc-base (the booking site, default: where this script is
 * served from), data-pmc-path (where the app's URLs are mounted, default "/booking/"),
 * data-pmc-host (one host's slug), data-pmc-title (the iframe's accessible name).
 * A booking made inside fires "pmc:booking-created" (and a reschedule
 * "pmc:booking-rescheduled") as a CustomEvent on the div and on window; event.detail
 * is the booking without its private manage links.
 */
(function () {
  "use strict";
  var INITIAL_HEIGHT = 640;
  var MAX_HEIGHT = 10000;
  var FORWARDED = ["pmc:booking-created", "pmc:booking-rescheduled"];
  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src).origin : location.origin;
  var frames = [];

  function frameUrl(div) {
    var base = (div.getAttribute("data-pmc-base") || scriptOrigin).replace(/\/+$/, "");
    var path = (div.getAttribute("data-pmc-path") || "/booking/").replace(/^\/*|\/*$/g, "");
    var slug = encodeURIComponent(div.getAttribute("data-pmc-booking"));
    var url = new URL(base + "/" + (path ? path + "/" : "") + "embed/" + slug + "/", location.href);
    var host = div.getAttribute("data-pmc-host");
    if (host) url.searchParams.set("host", host);
    return url;
  }

  function mount(div) {
    if (div.pmcBookingFrame || !div.getAttribute("data-pmc-booking")) return;
    var url = frameUrl(div);
    var iframe = document.createElement("iframe");
    iframe.src = url.href;
    iframe.title = div.getAttribute("data-pmc-title") || "Book a meeting";
    iframe.setAttribute("scrolling", "no");
    iframe.style.cssText =
      "display:block;width:100%;min-width:300px;border:0;overflow:hidden;height:" +
      INITIAL_HEIGHT + "px";
    div.pmcBookingFrame = iframe;
    div.replaceChildren(iframe);
    frames.push({ div: div, iframe: iframe, origin: url.origin });
  }

  function mountAll() {
    var divs = document.querySelectorAll("[data-pmc-booking]");
    for (var i = 0; i < divs.length; i++) mount(divs[i]);
  }

  window.addEventListener("message", function (event) {
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (event.source !== frame.iframe.contentWindow) continue;
      if (event.origin !== frame.origin) return;
      var data = event.data || {};
      if (data.type === "pmc:resize") {
        var height = Number(data.height);
        if (height > 0) frame.iframe.style.height = Math.min(Math.ceil(height), MAX_HEIGHT) + "px";
      } else if (FORWARDED.indexOf(data.type) !== -1) {
        var init = { detail: data.booking };
        frame.div.dispatchEvent(new CustomEvent(data.type, init));
        window.dispatchEvent(new CustomEvent(data.type, init));
      }
      return;
    }
  });

  window.PMCBooking = { mount: mountAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
