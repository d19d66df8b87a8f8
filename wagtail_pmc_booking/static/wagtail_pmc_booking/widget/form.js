/* The attendee's details form. */
import { api, message } from "./api.js";
import { backButton, retake, slotCard } from "./calendar.js";
import { h, heading, newAlert, show, showAlert, uid } from "./dom.js";
import { done } from "./manage.js";
import { t } from "./strings.js";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PATHS = ["attendee.name", "attendee.email", "notes"];

export function detailsForm(w) {
	const a = w.attendee || {};
	const field = (name, label, tag, attrs) => {
		const error = h("p.pmc-error", { id: uid() });
		const blur = () => check(control);
		const control = h(`${tag}.pmc-input`, { id: uid(), name, "aria-describedby": error.id, value: a[name], onblur: blur, ...attrs });
		return h("div.pmc-field", h("label", { for: control.id }, label), control, error);
	};
	const form = h("form", { novalidate: true, onsubmit: (e) => submit(w, e) },
		field("name", t("name"), "input", { type: "text", autocomplete: "name", required: true, maxlength: 200 }),
		field("email", t("email"), "input", { type: "email", autocomplete: "email", required: true, maxlength: 254 }),
		field("notes", t("notes"), "textarea", { rows: 3, maxlength: 5000 }),
		newAlert(w), h("button.pmc-primary", { type: "submit" }, t("book")));
	show(w, [backButton(w), heading(t("detailsTitle")), slotCard(w, w.mt.name), form]);
}

function ownError(control) {
	const v = control.value.trim();
	if (control.required && !v) return t("required");
	if (control.type === "email" && v && !EMAIL.test(v)) return t("badEmail");
	return "";
}

function check(control, serverError) {
	const error = serverError || ownError(control);
	control.setAttribute("aria-invalid", !!error);
	document.getElementById(control.getAttribute("aria-describedby")).textContent = error;
	return !error;
}

async function submit(w, e) {
	e.preventDefault();
	const controls = [...e.target.querySelectorAll(".pmc-input")];
	const invalid = controls.filter((c) => !check(c));
	if (invalid.length) return invalid[0].focus();
	const [name, email, notes] = controls.map((c) => c.value.trim());
	w.attendee = { name, email, notes };
	const button = e.submitter;
	button.disabled = true;
	const attendee = { name, email, timezone: w.tz };
	const body = { meetingType: w.mt.slug, start: w.slot.start, duration: w.duration, attendee, notes };
	if (w.cfg.host) body.host = w.cfg.host;
	const r = await api(w, "bookings", { body });
	button.disabled = false;
	if (r.ok) return done(w, r.data, "booked");
	if (r.error.code === "slot_unavailable") return retake(w);
	const fields = r.error.fields || {};
	PATHS.forEach((path, i) => {
		if (fields[path]) check(controls[i], fields[path].join(" "));
	});
	const first = controls.find((c) => c.getAttribute("aria-invalid") === "true");
	if (!first) showAlert(w, message(w, r));
	(first || w.alert).focus();
}
