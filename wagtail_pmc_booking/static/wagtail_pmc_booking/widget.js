/* Attendee widget entry (ES modules, no build): a store per [data-pmc-widget], then its mode. */
import { api, message } from "./widget/api.js";
import { pick } from "./widget/calendar.js";
import { firstWeekday, localDay, modern } from "./widget/dates.js";
import { EMBEDDED, h, heading, newAlert, post, show } from "./widget/dom.js";
import { detailsForm } from "./widget/form.js";
import { cancelForm, confirmMove, done } from "./widget/manage.js";
import { t, useStrings } from "./widget/strings.js";

function chosen(w, slot) {
	w.slot = slot;
	if (w.mode === "reschedule") confirmMove(w);
	else detailsForm(w);
}

/** The store: all state a widget's screens share. */
function createStore(el) {
	const cfg = JSON.parse(el.querySelector("script[type='application/json']").textContent);
	const current = cfg.booking;
	const w = { el, cfg, current, chosen, mode: cfg.mode, mt: cfg.meetingType, token: cfg.token, prefer: null };
	w.tz = modern(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
	w.duration = current ? current.duration : w.mt.defaultDuration;
	Object.assign(w, { weekStart: firstWeekday(), cache: new Map(), seq: 0, screen: h("div") });
	w.live = h("p.pmc-sr", { "aria-live": "polite" });
	// Rescheduling opens on the booking's day (or the next free one).
	if (w.mode === "reschedule") w.prefer = localDay(current.start, w.tz);
	return w;
}

async function start(w) {
	if (w.mode === "book") return pick(w);
	if (w.mode === "reschedule") pick(w);
	const r = await api(w, `bookings/${w.current.bookingId}`, { query: { token: w.token } });
	if (!r.ok) {
		const head = heading(t("failed"));
		return show(w, [head, newAlert(w, message(w, r))], head);
	}
	w.attendee = r.data.attendee;
	if (w.mode === "cancel") cancelForm(w);
	if (w.mode === "confirmed") done(w, r.data, "confirmed");
}

function mount(el) {
	const w = createStore(el);
	useStrings(w.cfg.strings, w.cfg.language);
	el.querySelector("[data-pmc-root]").replaceChildren(w.live, w.screen);
	el.classList.add("pmc-ready");
	if (EMBEDDED) {
		// embed.js sizes and names the iframe
		const html = document.documentElement;
		const size = () => post("pmc:resize", { height: Math.ceil(html.getBoundingClientRect().height), title: document.title });
		new ResizeObserver(size).observe(html);
	}
	start(w);
	el.pmcWidget = w;
}

function mountAll() {
	for (const el of document.querySelectorAll("[data-pmc-widget]:not(.pmc-ready)")) mount(el);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
