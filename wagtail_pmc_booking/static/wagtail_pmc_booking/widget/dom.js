/* Elements and shared screen parts; w is the store. */
import { when } from "./dates.js";
import { t } from "./strings.js";

export const EMBEDDED = window.parent !== window;
export const away = EMBEDDED ? { target: "_blank", rel: "noopener" } : {};

let uids = 0;
export const uid = () => `pmc-${++uids}`;

/** h("p.pmc-muted", {attrs}?, ...children); "on…" attributes become listeners. */
export function h(selector, attrs, ...kids) {
	const [tag, ...classes] = selector.split(".");
	const el = document.createElement(tag);
	el.className = classes.join(" ");
	if (tag === "button") el.type = "button";
	if (attrs?.constructor !== Object) [attrs, kids] = [{}, [attrs, ...kids]];
	for (const [key, v] of Object.entries(attrs)) {
		if (v == null || v === false) continue;
		if (key.startsWith("on")) el.addEventListener(key.slice(2), v);
		else if (key === "value") el.value = v;
		else el.setAttribute(key, v === true ? "" : v);
	}
	el.append(...kids.flat(9).filter((kid) => kid != null && kid !== false));
	return el;
}

export function post(type, data) {
	if (EMBEDDED) window.parent.postMessage({ type, ...data }, "*");
}

export function say(w, text) {
	w.live.textContent = text;
}

export function show(w, nodes, focus = true) {
	w.screen.replaceChildren(...nodes.flat().filter(Boolean));
	if (focus) w.screen.querySelector(".pmc-h").focus({ preventScroll: EMBEDDED });
}

export const heading = (text) => h("h2.pmc-h", { tabindex: -1 }, text);

export function newAlert(w, text) {
	w.alert = h("p.pmc-alert", { role: "alert", tabindex: -1, hidden: !text }, text);
	return w.alert;
}

export function showAlert(w, text) {
	w.alert.textContent = text;
	w.alert.hidden = false;
}

export function card(w, label, b = w.current, note = t("withHost", { name: b.hostName })) {
	return h(`div.pmc-card${b === w.current ? "" : ".is-new"}`, h("p.pmc-label", label), h("p.pmc-when", when(b, w.tz)), h("p.pmc-muted", note));
}
