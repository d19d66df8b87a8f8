/* Attendee widget entry (ES modules in widget/, no build step); w is the store. */
import { pick } from "./widget/calendar.js";
import { localDay, modern, useLanguage } from "./widget/dates.js";
import { EMBEDDED, h, post } from "./widget/dom.js";
import { detailsForm } from "./widget/form.js";
import { confirmMove, openBooking } from "./widget/manage.js";
import { useStrings } from "./widget/strings.js";

function chosen(w, slot) {
	w.slot = slot;
	if (w.mode === "reschedule") confirmMove(w);
	else detailsForm(w);
}

function mount(el) {
	const cfg = JSON.parse(el.querySelector("script[type='application/json']").textContent);
	const { booking, mode } = cfg;
	useStrings(cfg.strings, cfg.language);
	useLanguage(cfg.language);
	const w = { el, cfg, mode, chosen, current: booking, mt: cfg.meetingType, token: cfg.token, cache: new Map(), seq: 0 };
	w.tz = modern(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
	w.duration = booking ? booking.duration : w.mt.defaultDuration;
	w.prefer = mode === "reschedule" ? localDay(booking.start, w.tz) : null;
	w.live = h("p.pmc-sr", { "aria-live": "polite" });
	w.screen = h("div");
	el.querySelector("[data-pmc-root]").replaceChildren(w.live, w.screen);
	el.classList.add("pmc-ready");
	if (EMBEDDED) {
		const html = document.documentElement;
		const size = () => post("pmc:resize", { height: Math.ceil(html.getBoundingClientRect().height), title: document.title });
		new ResizeObserver(size).observe(html);
	}
	el.pmcWidget = w;
	if (mode === "book") pick(w);
	else openBooking(w);
}

function mountAll() {
	for (const el of document.querySelectorAll("[data-pmc-widget]:not(.pmc-ready)")) mount(el);
}

performance.mark("pmc:widget-start");
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
