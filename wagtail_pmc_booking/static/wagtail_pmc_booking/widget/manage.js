/* A booking: confirmation, moving, cancelling, rebooking. */
import { api, message } from "./api.js";
import { backButton, pick, retake, slotCard } from "./calendar.js";
import { fmt, timeOf, when, zoneLabel } from "./dates.js";
import { away, card, h, heading, newAlert, post, say, show, showAlert, uid } from "./dom.js";
import { parts, t } from "./strings.js";

export async function openBooking(w) {
	if (w.mode === "reschedule") pick(w);
	const r = await api(w, `bookings/${w.current.bookingId}`, { query: { token: w.token } });
	if (!r.ok) {
		return show(w, [heading(t("failed")), newAlert(w, message(w, r))]);
	}
	if (w.mode === "cancel") cancelForm(w);
	if (w.mode === "confirmed") done(w, r.data, "confirmed");
}

async function act(w, button, action, body, then) {
	button.disabled = true;
	const r = await api(w, `bookings/${w.current.bookingId}/${action}`, { body: { ...body, token: w.token } });
	button.disabled = false;
	if (r.ok) return then(r.data);
	if (r.error.code === "slot_unavailable") return retake(w);
	showAlert(w, message(w, r));
}

export function confirmMove(w) {
	const move = () => act(w, button, "reschedule", { start: w.slot.start, duration: w.duration }, (b) => done(w, b, "rescheduled"));
	const button = h("button.pmc-primary", { onclick: move }, t("confirmReschedule"));
	show(w, [backButton(w), heading(t("confirmTitle")), card(w, t("current")), slotCard(w, t("newTime")), newAlert(w), button]);
}

export function cancelForm(w) {
	const reason = h("textarea.pmc-input", { id: uid(), rows: 3, maxlength: 5000 });
	const button = h("button.pmc-danger", { type: "submit" }, t("cancelBooking"));
	const submit = (e) => {
		e.preventDefault();
		act(w, button, "cancel", { reason: reason.value.trim() }, (data) => cancelled(w, data.rebookOptions));
	};
	const field = h("div.pmc-field", h("label", { for: reason.id }, t("reason")), reason);
	const form = h("form", { onsubmit: submit }, field, newAlert(w), button);
	show(w, [heading(t("cancelTitle")), card(w, t("current")), form]);
}

function cancelled(w, options) {
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
	const other = h("button.pmc-link", { onclick: () => pick(w) }, t("pickOther"));
	show(w, [heading(t("cancelledTitle")), was, list, newAlert(w), other]);
	say(w, t("cancelled"));
}

function zoomDetails(m = {}) {
	if (m.meetingUrl) {
		const join = h("a.pmc-join", { href: m.meetingUrl, target: "_blank", rel: "noreferrer" }, t("join"));
		return [join, m.passcode && h("span.pmc-muted", parts("passcode", { code: h("code", m.passcode) }))];
	}
	return m.status === "pending" && h("span.pmc-muted", t("zoomPending"));
}

const copy = (w, name) => w.el.querySelector(`[data-pmc-${name}]`)?.content.cloneNode(true);

export function done(w, b, kind) {
	const titles = { booked: t("bookedTitle"), rescheduled: t("rescheduledTitle"), confirmed: t("confirmedTitle") };
	w.token = b.manageToken || b.rescheduleUrl?.match(/\/manage\/(\w+)\//)?.[1] || w.token;
	const add = w.token && copy(w, "calendar");
	for (const a of add?.querySelectorAll("a") || []) a.href = a.getAttribute("href").replace("{token}", w.token);
	const zoom = zoomDetails(b.meeting);
	w.current = { ...b, hostName: b.host.name };
	const emailed = kind !== "confirmed" && h("p", t("emailed", { email: b.attendee.email }));
	const details = h("dl.pmc-details", h("dt", t("what")), h("dd", `${w.mt.name} (${t("minutes", { n: b.duration })})`),
		h("dt", t("when")), h("dd", when(b, w.tz), h("br"), h("span.pmc-muted", zoneLabel(w.tz))),
		h("dt", t("with")), h("dd", b.host.name), zoom && [h("dt", t("zoom")), h("dd.pmc-zoom", zoom)]);
	const text = copy(w, "confirmation");
	const links = h("p.pmc-manage", h("a", { href: b.rescheduleUrl, ...away }, t("reschedule")),
		h("a", { href: b.cancelUrl, ...away }, t("cancel")));
	show(w, [h("div.pmc-check"), heading(titles[kind]), emailed, details, text, add, links]);
	if (kind === "booked") {
		say(w, t("booked"));
		const { manageToken, rescheduleUrl, cancelUrl, ...booking } = b;
		w.el.dispatchEvent(new CustomEvent("pmc:booking-created", { bubbles: true, detail: booking }));
		post("pmc:booking-created", { booking });
	} else if (kind === "rescheduled") {
		say(w, t("rescheduled"));
	}
}
