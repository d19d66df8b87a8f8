/* Days are "YYYY-MM-DD" (maths at noon UTC); times via Intl. */
const pad = (n) => String(n).padStart(2, "0");
const DAY = { weekday: "long", year: "numeric", month: "long", day: "numeric" };
const NOW = new Date();
let lang;
export let h12;
export let weekStart;

const isoDay = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

export function noon(s) {
	const [y, m, d = 1] = s.split("-");
	return new Date(Date.UTC(y, m - 1, d, 12));
}

export const addDays = (s, n) => isoDay(new Date(noon(s).getTime() + n * 864e5));

export function addMonths(s, n) {
	const d = noon(s);
	d.setUTCMonth(d.getUTCMonth() + n, 1);
	return isoDay(d).slice(0, 7);
}

export const weekdayOf = (s) => noon(s).getUTCDay() || 7;
export const inMonth = (day, month) => day?.slice(0, 7) === month;

export const fmt = (tz, opts) => new Intl.DateTimeFormat(lang, { timeZone: tz, ...opts });
export const localDay = (at, tz) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(at));
export const todayIn = (tz) => localDay(Date.now(), tz);
export const longDay = (s) => fmt("UTC", DAY).format(noon(s));
export const timeOf = (at, tz) => fmt(tz, { hour: "numeric", minute: "2-digit", hour12: h12 }).format(new Date(at));
export const when = (b, tz) =>
	`${fmt(tz, DAY).format(new Date(b.start))}, ${timeOf(b.start, tz)} – ${timeOf(b.end, tz)}`;

export function useLanguage(language) {
	lang = language;
	h12 = fmt("UTC", { hour: "numeric" }).resolvedOptions().hour12;
	const locale = new Intl.Locale(language);
	weekStart = (locale.getWeekInfo?.() || locale.weekInfo)?.firstDay || 7;
}

export const toggle12 = () => (h12 = !h12);

export const tzName = (zone, style) => fmt(zone, { timeZoneName: style }).formatToParts(NOW).find((p) => p.type === "timeZoneName").value;
// Chromium lists some zones by old names
const RENAMED = { "Asia/Calcutta": "Asia/Kolkata", "Europe/Kiev": "Europe/Kyiv" };
export const modern = (zone) => RENAMED[zone] || zone;
export const zoneLabel = (zone) =>
	`${tzName(zone, "longGeneric")} — ${tzName(zone, "longOffset").replace("-", "−")} (${zone.split("/").pop().replace(/_/g, " ")})`;
let zones;
export const zoneList = () =>
	(zones ||= [...new Set([...Intl.supportedValuesOf("timeZone").map(modern), "UTC"])].sort().map((z) => [z, zoneLabel(z)]));
