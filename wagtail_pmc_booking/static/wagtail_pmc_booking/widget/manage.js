/* A booking: its confirmation (Zoom, .ics, links), moving, cancelling, rebooking. */
import { api, message } from "./api.js";
import { backButton, pick, retake, slotCard } from "./calendar.js";
import { fmt, timeOf, when, zoneLabel } from "./dates.js";
import { away, card, h, heading, newAlert, post, say, show, showAlert, uid } from "./dom.js";
import { parts, t } from "./strings.js";

async function act(w, button, action, body, then) {
	button.disabled = true;
	const r = await api(w, `bookings/${w.current.bookingId}/${action}`, { body: { ...body, token: w.token } });
	button.disabled = false;
	if (r.ok) return then(r.data);
	if (r.error.code === "slot_unavailable") return retake(w);
	showAlert(w, message(w, r));
}

export function confirmMove(w) {
	const head = heading(t("confirmTitle"));
	const move = () => act(w, button, "reschedule", { start: w.slot.start, duration: w.duration }, (b) => done(w, b, "rescheduled"));
	const button = h("button.pmc-primary", { onclick: move }, t("confirmReschedule"));
	show(w, [backButton(w), head, card(w, t("current")), slotCard(w, t("newTime")), newAlert(w), button], head);
}

export function cancelForm(w) {
	const head = heading(t("cancelTitle"));
	const reason = h("textarea.pmc-input", { id: uid(), rows: 3, maxlength: 5000 });
	const button = h("button.pmc-danger", { type: "submit" }, t("cancelBooking"));
	const submit = (e) => {
		e.preventDefault();
		act(w, button, "cancel", { reason: reason.value.trim() }, (data) => cancelled(w, data.rebookOptions));
	};
	const field = h("div.pmc-field", h("label", { for: reason.id }, t("reason")), reason);
	const form = h("form", { onsubmit: submit }, field, newAlert(w), button);
	show(w, [head, card(w, t("current")), form], head);
}

function cancelled(w, options) {
	const head = heading(t("cancelledTitle"));
	const short = fmt(w.tz, { weekday: "short", month: "short", day: "numeric" });
	w.mode = "book";
	w.token = null;
	const offer = (o) => {
		const time = `${short.format(new Date(o.start))}, ${timeOf(o.start, w.tz)}`;
		return h("li", h("a.pmc-time", { href: o.rebookUrl, ...away }, t("rebook", { time })));
	};
	const offers = options.map(offer);
	const was = h("p", t("wasCancelled", { what: w.mt.name, when: when(w.current, w.tz) }));
	const list = offers.length && [h("h3.pmc-sub", t("rebookTitle")), h("ul.pmc-times.pmc-rebook", offers)];
	show(w, [head, was, list, newAlert(w), h("button.pmc-link", { onclick: () => pick(w) }, t("pickOther"))], head);
	say(w, t("cancelled"));
}

function zoomDetails(m = {}) {
	if (m.meetingUrl) {
		const join = h("a.pmc-join", { href: m.meetingUrl, target: "_blank", rel: "noreferrer" }, t("join"));
		return [join, m.passcode && h("span.pmc-muted", parts("passcode", { code: h("code", m.passcode) }))];
	}
	return m.status === "pending" && h("span.pmc-muted", t("zoomPending"));
}

export function done(w, b, kind) {
	const titles = { booked: t("bookedTitle"), rescheduled: t("rescheduledTitle"), confirmed: t("confirmedTitle") };
	const head = heading(titles[kind]);
	w.token = b.manageToken || b.rescheduleUrl?.match(/\/manage\/(\w+)\//)?.[1] || w.token;
	let ics = null;
	if (w.cfg.inviteUrl && w.token) {
		const href = w.cfg.inviteUrl.replace("{token}", w.token);
		ics = h("p.pmc-actions", h("a.pmc-button", { href, download: `${w.mt.slug}.ics` }, t("addIcs")));
	}
	const zoom = zoomDetails(b.meeting);
	w.current = { ...b, hostName: b.host.name };
	const emailed = kind !== "confirmed" && h("p", t("emailed", { email: b.attendee.email }));
	const details = h("dl.pmc-details", h("dt", t("what")), h("dd", `${w.mt.name} (${t("minutes", { n: b.duration })})`),
		h("dt", t("when")), h("dd", when(b, w.tz), h("br"), h("span.pmc-muted", zoneLabel(w.tz))),
		h("dt", t("with")), h("dd", b.host.name), zoom && [h("dt", t("zoom")), h("dd.pmc-zoom", zoom)]);
	const text = w.el.querySelector("template")?.content.cloneNode(true);
	const links = h("p.pmc-manage", h("a", { href: b.rescheduleUrl, ...away }, t("reschedule")),
		h("a", { href: b.cancelUrl, ...away }, t("cancel")));
	show(w, [h("div.pmc-check"), head, emailed, details, text, ics, links], head);
	if (kind === "booked") {
		say(w, t("booked"));
		// Never the manage token or links.
		const { manageToken, rescheduleUrl, cancelUrl, ...booking } = b;
		w.el.dispatchEvent(new CustomEvent("pmc:booking-created", { bubbles: true, detail: booking }));
		post("pmc:booking-created", { booking });
	} else if (kind === "rescheduled") {
		say(w, t("rescheduled"));
	}
}
