/* The details form: fields from _mount.html, named by API path. */
import { api, message } from "./api.js";
import { backButton, retake, slotCard } from "./calendar.js";
import { heading, show, showAlert } from "./dom.js";
import { done } from "./manage.js";
import { t } from "./strings.js";

export function detailsForm(w) {
	if (!w.form) {
		w.form = w.el.querySelector("[data-pmc-details]").content.firstElementChild.cloneNode(true);
		w.form.addEventListener("focusout", (e) => e.target.name && check(e.target));
		w.form.onsubmit = (e) => submit(w, e);
	}
	w.alert = w.form.querySelector("[role=alert]");
	w.alert.hidden = true;
	show(w, [backButton(w), heading(t("detailsTitle")), slotCard(w, w.mt.name), w.form]);
}

function check(c, server) {
	const v = c.validity;
	const error = server || (v.valueMissing && (c.type === "checkbox" ? t("tick") : t("required"))) || (v.typeMismatch && t("badEmail")) || "";
	c.setAttribute("aria-invalid", !!error);
	c.closest(".pmc-field").querySelector(".pmc-error").textContent = error;
	return !error;
}

const firstInvalid = (all) => all.find((c) => c.getAttribute("aria-invalid") === "true");

async function submit(w, e) {
	e.preventDefault();
	const all = [...w.form.elements].filter((c) => c.name);
	if (!all.map((c) => check(c)).every(Boolean)) return firstInvalid(all).focus();
	const { host, tracking, language } = w.cfg;
	const body = { meetingType: w.mt.slug, start: w.slot.start, duration: w.duration, host: host || undefined, tracking, attendee: { timezone: w.tz, language } };
	for (const c of all) {
		const v = c.type === "checkbox" ? c.checked : c.value.trim();
		const [g, k] = c.name.split(".");
		if (v) body[g] = k ? { ...body[g], [k]: v } : v;
	}
	const button = e.submitter;
	button.disabled = true;
	const r = await api(w, "bookings", { body });
	button.disabled = false;
	if (r.ok) return done(w, r.data, "booked");
	if (r.error.code === "slot_unavailable") return retake(w);
	const fields = r.error.fields || {};
	for (const c of all) if (fields[c.name]) check(c, fields[c.name].join(" "));
	const bad = firstInvalid(all);
	if (!bad) showAlert(w, message(w, r));
	(bad || w.alert).focus();
}
