/* Picking a time: month grid, the day's times, length, zone. */
import { api, message } from "./api.js";
import * as d from "./dates.js";
import { card, h, heading, newAlert, say, show, showAlert, uid } from "./dom.js";
import { t } from "./strings.js";

export function pick(w, notice) {
	const rescheduling = w.mode === "reschedule";
	const today = d.todayIn(w.tz);
	const first = w.day || (w.prefer > today && w.prefer) || today;
	w.findFirst = !w.day;
	w.skipped = 0;
	w.cal = h("div.pmc-cal");
	w.slots = h("div.pmc-slots");
	const current = rescheduling && card(w, t("current"));
	const head = heading(rescheduling ? t("rescheduleTitle") : t("pickTitle"));
	show(w, [current, head, newAlert(w, notice), lengths(w), zonePicker(w), h("div.pmc-pick", w.cal, w.slots)], !!notice);
	goMonth(w, first.slice(0, 7));
}

export function retake(w) {
	w.cache.clear();
	w.slot = null;
	pick(w, t("taken"));
}

export const backButton = (w) => h("button.pmc-back", { onclick: () => pick(w) }, "← ", t("back"));

export function slotCard(w, label) {
	const end = Date.parse(w.slot.start) + w.duration * 60000;
	return card(w, label, { start: w.slot.start, end }, d.zoneLabel(w.tz));
}

function lengths(w) {
	const all = w.mt.durations;
	if (w.mode !== "book" || all.length < 2) return null;
	const chip = (n) => h("button.pmc-chip", { "aria-pressed": String(n === w.duration), onclick: () => setLength(w, n) }, t("minutes", { n }));
	return h("div.pmc-durations", { role: "group", "aria-label": t("duration") }, all.map(chip));
}

function setLength(w, n) {
	w.duration = n;
	for (const b of w.screen.querySelectorAll(".pmc-chip")) b.setAttribute("aria-pressed", b.textContent === t("minutes", { n }));
	load(w);
}

function zonePicker(w) {
	const id = uid();
	const list = h("datalist", { id: `${id}-l` });
	const error = h("p.pmc-error", { id: `${id}-e` });
	const fill = () => list.childElementCount || list.append(...d.zoneList().map(([, label]) => h("option", { value: label })));
	const change = () => {
		const v = input.value.trim();
		const zone = d.zoneList().find(([z, label]) => label === v || z === v.replace(/ /g, "_"))?.[0];
		input.setAttribute("aria-invalid", !zone);
		error.textContent = zone ? "" : t("badZone");
		if (!zone) return;
		input.value = d.zoneLabel(zone);
		if (zone === w.tz) return;
		w.tz = zone;
		load(w);
	};
	const input = h("input.pmc-input", { id, list: list.id, value: d.zoneLabel(w.tz), autocomplete: "off", spellcheck: "false", "aria-describedby": error.id, onfocus: fill, onchange: change });
	const clock = h("button.pmc-toggle", { "aria-pressed": String(d.h12), onclick: () => clock.setAttribute("aria-pressed", d.toggle12()) || refresh(w) }, t("clock12"));
	return h("div.pmc-tz", h("label", { for: id }, t("timezone")), h("div.pmc-row", input, clock), error, list);
}

const column = (day) => (d.weekdayOf(day) - d.weekStart + 7) % 7;
const seven = (fn) => [0, 1, 2, 3, 4, 5, 6].map(fn);

function goMonth(w, month, focusDay) {
	w.month = month;
	w.focusDay = focusDay;
	w.refocus = !!focusDay;
	const first = `${month}-01`;
	const start = d.addDays(first, -column(first));
	const today = d.todayIn(w.tz);
	const titleId = uid();
	const weekday = (i) => d.fmt("UTC", { weekday: "short" }).format(d.noon(d.addDays("2024-01-01", (d.weekStart - 1 + i) % 7)));
	const cell = (day) => {
		if (!d.inMonth(day, month)) return h("td");
		return h("td", h(`button.pmc-day${day === today ? ".is-today" : ""}`, { "data-day": day, onclick: () => chooseDay(w, day) }, String(+day.slice(8))));
	};
	const nav = (label, n, disabled) => h("button.pmc-nav", { "aria-label": label, disabled, onclick: () => goMonth(w, d.addMonths(month, n)) }, n < 0 ? "‹" : "›");
	const title = d.fmt("UTC", { month: "long", year: "numeric" }).format(d.noon(first));
	const head = h("thead", h("tr", seven((i) => h("th", { scope: "col" }, weekday(i)))));
	const rows = [0, 1, 2, 3, 4, 5].map((row) => h("tr", seven((col) => cell(d.addDays(start, row * 7 + col)))));
	w.grid = h("table", { role: "grid", "aria-labelledby": titleId, onkeydown: (e) => onKey(w, e) }, head, h("tbody", rows));
	w.cal.replaceChildren(h("div.pmc-cal-head", nav(t("prevMonth"), -1, month <= today.slice(0, 7)),
		h("h3.pmc-month", { id: titleId }, title), nav(t("nextMonth"), 1, month >= d.addMonths(today, 12))), w.grid);
	load(w);
}

/** The month's slots (cached); at first, finds an open day. */
async function load(w) {
	const seq = ++w.seq;
	const key = `${w.tz}|${w.duration}|${w.month}`;
	w.days = null;
	refresh(w);
	if (!w.cache.has(key)) {
		const today = d.todayIn(w.tz);
		const first = `${w.month}-01`;
		const end = d.addDays(`${d.addMonths(first, 1)}-01`, -1);
		const query = { meetingType: w.mt.slug, start: first < today ? today : first, end, timezone: w.tz, duration: w.duration, host: w.cfg.host };
		if (w.mode === "reschedule") Object.assign(query, { rescheduling: w.current.bookingId, token: w.token });
		const r = await api(w, "slots", { query });
		if (seq !== w.seq) return;
		if (r.ok) w.cache.set(key, r.data.slots);
		else {
			w.findFirst = false;
			showAlert(w, message(w, r));
		}
	}
	w.days = w.cache.get(key) || {};
	const open = Object.keys(w.days).sort();
	if (w.findFirst && !open.length && w.skipped++ < 2) return goMonth(w, d.addMonths(w.month, 1));
	if (w.findFirst && open.length) {
		w.findFirst = false;
		w.day = open.find((day) => day >= w.prefer) || open[0];
		announce(w);
	}
	refresh(w);
}

function refresh(w) {
	paint(w);
	times(w);
}

/** Day states and roving tabindex, in place so focus survives. */
function paint(w) {
	const days = w.days || {};
	const focus = [w.focusDay, w.day, Object.keys(days).sort()[0]].find((day) => d.inMonth(day, w.month)) || `${w.month}-01`;
	w.grid.setAttribute("aria-busy", !w.days);
	for (const b of w.grid.querySelectorAll("[data-day]")) {
		const day = b.dataset.day;
		const n = days[day]?.length;
		const date = d.longDay(day);
		b.classList.toggle("is-open", !!n);
		b.setAttribute("aria-disabled", !n);
		b.setAttribute("aria-label", n ? t("dayOpen", { date, n }) : t("dayClosed", { date }));
		b.tabIndex = day === focus ? 0 : -1;
		b.parentNode.setAttribute("aria-selected", day === w.day);
	}
	if (w.refocus && w.days) {
		w.refocus = false;
		w.grid.querySelector(`[data-day="${focus}"]`).focus();
	}
}

function onKey(w, e) {
	const day = e.target.dataset.day;
	const col = column(day);
	const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7, Home: -col, End: 6 - col }[e.key];
	if (step === undefined) return;
	e.preventDefault();
	const next = d.addDays(day, step);
	if (next < `${d.todayIn(w.tz).slice(0, 7)}-01`) return;
	if (!d.inMonth(next, w.month)) return goMonth(w, next.slice(0, 7), next);
	w.focusDay = next;
	w.refocus = true;
	paint(w);
}

function chooseDay(w, day) {
	if (!w.days?.[day]) return;
	w.day = day;
	w.focusDay = null;
	refresh(w);
	announce(w);
}

function announce(w) {
	say(w, t("timesOn", { n: w.days[w.day].length, date: d.longDay(w.day) }));
}

let marked;

/** The day's times, a hint, or a same-height skeleton; marks the first times shown. */
function times(w) {
	const headId = uid();
	const list = w.days && d.inMonth(w.day, w.month) && w.days[w.day];
	let body;
	if (!w.days) {
		body = h("ul.pmc-times", { "aria-hidden": "true" }, [1, 2, 3, 4, 5, 6].map(() => h("li", h("span.pmc-skel"))));
	} else if (!list) {
		const month = w.cal.querySelector(".pmc-month").textContent;
		body = h("p.pmc-muted", Object.keys(w.days).length ? t("pickDay") : t("noTimesMonth", { month }));
	} else {
		const pressed = (s) => String(w.slot?.start === s.start);
		const time = (s) => h("li", h("button.pmc-time", { "aria-pressed": pressed(s), onclick: () => w.chosen(w, s) }, d.timeOf(s.start, w.tz)));
		body = h("ul.pmc-times", { "aria-labelledby": headId }, list.map(time));
	}
	w.slots.replaceChildren(h("h3.pmc-day-title", { id: headId }, list && d.longDay(w.day)), body);
	if (list && !marked) marked = performance.mark("pmc:first-times");
}
