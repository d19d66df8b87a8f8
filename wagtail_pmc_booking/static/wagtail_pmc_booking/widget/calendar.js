/* Picking a time: month (ARIA grid, roving tabindex), day's times, length, zone. */
import { api, message } from "./api.js";
import * as d from "./dates.js";
import { card, h, heading, newAlert, say, show, showAlert, uid } from "./dom.js";
import { t } from "./strings.js";

export function pick(w, notice) {
	const rescheduling = w.mode === "reschedule";
	const head = heading(rescheduling ? t("rescheduleTitle") : t("pickTitle"));
	const today = d.todayIn(w.tz);
	let first = today;
	if (w.day) first = w.day;
	else if (w.prefer > today) first = w.prefer;
	w.month = first.slice(0, 7);
	w.findFirst = !w.day;
	w.skipped = 0;
	w.calEl = h("div.pmc-cal");
	w.slotsEl = h("div.pmc-slots");
	const summary = h("div.pmc-summary", h("p.pmc-name", w.mt.name), h("p.pmc-meta", h("span.pmc-i-video"), t("video")));
	const current = rescheduling && card(w, t("current"));
	const pickers = [lengths(w), h("div.pmc-pick", w.calEl, w.slotsEl), zonePicker(w)];
	show(w, [summary, current, head, newAlert(w, notice), pickers], notice && head);
	buildMonth(w);
	load(w);
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
	const pressed = (n) => String(n === w.duration);
	const chip = (n) =>
		h("button.pmc-chip", { "aria-pressed": pressed(n), onclick: () => setDuration(w, n) }, t("minutes", { n }));
	return h("div.pmc-durations", { role: "group", "aria-label": t("duration") }, all.map(chip));
}

function setDuration(w, n) {
	w.duration = n;
	for (const b of w.screen.querySelectorAll(".pmc-chip")) {
		b.setAttribute("aria-pressed", b.textContent === t("minutes", { n }));
	}
	load(w);
}

function zonePicker(w) {
	const id = uid();
	const list = h("datalist", { id: `${id}-list` });
	const note = h("span.pmc-muted", d.offsetOf(w.tz));
	const fill = () => {
		if (!list.childElementCount) list.append(...d.zoneList().map((z) => h("option", { value: d.zoneLabel(z) })));
	};
	const change = () => {
		const zone = d.zoneList().find((z) => d.zoneLabel(z) === input.value.trim());
		input.setAttribute("aria-invalid", !zone);
		if (!zone || zone === w.tz) return;
		w.tz = zone;
		note.textContent = d.offsetOf(zone);
		load(w);
	};
	const attrs = { id, list: list.id, value: d.zoneLabel(w.tz), autocomplete: "off", spellcheck: "false" };
	const input = h("input.pmc-input", { ...attrs, onfocus: fill, onchange: change });
	return h("div.pmc-tz", h("label", { for: id }, t("timezone"), " ", note), input, list);
}

const column = (w, day) => (d.weekdayOf(day) - w.weekStart + 7) % 7;
const seven = (fn) => [0, 1, 2, 3, 4, 5, 6].map(fn);

function buildMonth(w) {
	const first = `${w.month}-01`;
	const start = d.addDays(first, -column(w, first));
	const today = d.todayIn(w.tz);
	const titleId = uid();
	const weekday = (i) =>
		d.fmt("UTC", { weekday: "short" }).format(d.noon(d.addDays("2024-01-01", (w.weekStart - 1 + i) % 7)));
	const cell = (day) => {
		if (!d.inMonth(day, w.month)) return h("td");
		const selector = day === today ? "button.pmc-day.is-today" : "button.pmc-day";
		return h("td", h(selector, { "data-day": day, onclick: () => chooseDay(w, day) }, String(+day.slice(8))));
	};
	const go = (n) => () => goMonth(w, d.addMonths(w.month, n));
	const prev = h("button.pmc-nav", { "aria-label": t("prevMonth"), disabled: w.month <= today.slice(0, 7), onclick: go(-1) }, "‹");
	const next = h("button.pmc-nav", { "aria-label": t("nextMonth"), disabled: w.month >= d.addMonths(today, 12), onclick: go(1) }, "›");
	const title = d.fmt("UTC", { month: "long", year: "numeric" }).format(d.noon(first));
	const head = h("thead", h("tr", seven((i) => h("th", { scope: "col" }, weekday(i)))));
	const rows = [0, 1, 2, 3, 4, 5].map((row) => h("tr", seven((col) => cell(d.addDays(start, row * 7 + col)))));
	w.grid = h("table", { role: "grid", "aria-labelledby": titleId, onkeydown: (e) => onKey(w, e) }, head, h("tbody", rows));
	w.calEl.replaceChildren(h("div.pmc-cal-head", prev, h("h3.pmc-month", { id: titleId }, title), next), w.grid);
}

function goMonth(w, month, focusDay) {
	w.month = month;
	w.focusDay = focusDay;
	w.pendingFocus = !!focusDay;
	buildMonth(w);
	load(w);
}

/** The month's slots (cached); at first, goes to the first open day. */
async function load(w) {
	const seq = ++w.seq;
	const key = `${w.tz}|${w.duration}|${w.month}`;
	w.days = null;
	paint(w);
	times(w);
	if (!w.cache.has(key)) {
		const today = d.todayIn(w.tz);
		const first = `${w.month}-01`;
		const end = d.addDays(`${d.addMonths(first, 1)}-01`, -1);
		const query = { meetingType: w.mt.slug, start: first < today ? today : first, end, timezone: w.tz, duration: w.duration };
		query.host = w.cfg.host;
		if (w.mode === "reschedule") Object.assign(query, { rescheduling: w.current.bookingId, token: w.token });
		const r = await api(w, "slots", { query });
		if (seq !== w.seq) return;
		if (r.ok) {
			w.cache.set(key, r.data.slots);
		} else {
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
	paint(w);
	times(w);
}

/** Day states and roving tabindex, in place so focus survives. */
function paint(w) {
	const days = w.days || {};
	const candidates = [w.focusDay, w.day, Object.keys(days).sort()[0]];
	const focus = candidates.find((day) => d.inMonth(day, w.month)) || `${w.month}-01`;
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
	if (w.pendingFocus && w.days) {
		w.pendingFocus = false;
		w.grid.querySelector(`[data-day="${focus}"]`).focus();
	}
}

const STEPS = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

function onKey(w, e) {
	const day = e.target.dataset.day;
	const col = column(w, day);
	const step = { ...STEPS, Home: -col, End: 6 - col }[e.key];
	if (step === undefined) return;
	e.preventDefault();
	const next = d.addDays(day, step);
	if (next < `${d.todayIn(w.tz).slice(0, 7)}-01`) return;
	if (!d.inMonth(next, w.month)) return goMonth(w, next.slice(0, 7), next);
	w.focusDay = next;
	w.pendingFocus = true;
	paint(w);
}

function chooseDay(w, day) {
	if (!w.days?.[day]) return;
	w.day = day;
	w.focusDay = null;
	paint(w);
	times(w);
	announce(w);
}

function announce(w) {
	say(w, t("timesOn", { n: w.days[w.day].length, date: d.longDay(w.day) }));
}

function times(w) {
	const headId = uid();
	const list = w.days && d.inMonth(w.day, w.month) && w.days[w.day];
	let body;
	if (!w.days) {
		body = h("ul.pmc-times", { "aria-hidden": "true" }, [1, 2, 3, 4, 5, 6].map(() => h("li", h("span.pmc-skel"))));
	} else if (!list) {
		const month = w.calEl.querySelector(".pmc-month").textContent;
		body = h("p.pmc-muted", Object.keys(w.days).length ? t("pickDay") : t("noTimesMonth", { month }));
	} else {
		const attrs = (s) => ({ "aria-pressed": String(w.slot?.start === s.start), onclick: () => w.chosen(w, s) });
		const time = (s) => h("li", h("button.pmc-time", attrs(s), d.timeOf(s.start, w.tz)));
		body = h("ul.pmc-times", { "aria-labelledby": headId }, list.map(time));
	}
	w.slotsEl.replaceChildren(h("h3.pmc-day-title", { id: headId }, list && d.longDay(w.day)), body);
}
