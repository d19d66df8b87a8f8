/* Days are "YYYY-MM-DD" (maths at noon UTC); times via Intl. */
const pad = (n) => String(n).padStart(2, "0");
const DAY = { weekday: "long", year: "numeric", month: "long", day: "numeric" };

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

export const fmt = (tz, opts) => new Intl.DateTimeFormat(undefined, { timeZone: tz, ...opts });
export const localDay = (at, tz) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(at));
export const todayIn = (tz) => localDay(Date.now(), tz);
export const longDay = (s) => fmt("UTC", DAY).format(noon(s));
export const timeOf = (at, tz) => fmt(tz, { hour: "numeric", minute: "2-digit" }).format(new Date(at));
export const when = (b, tz) =>
	`${fmt(tz, DAY).format(new Date(b.start))}, ${timeOf(b.start, tz)} – ${timeOf(b.end, tz)}`;
export const offsetOf = (tz) => fmt(tz, { timeZoneName: "shortOffset" }).formatToParts(new Date()).at(-1).value;

const locale = new Intl.Locale(navigator.language);
export const weekStart = (locale.getWeekInfo?.() || locale.weekInfo)?.firstDay || 7;

// Chromium lists some zones by old names
const RENAMED = { "Asia/Calcutta": "Asia/Kolkata", "Europe/Kiev": "Europe/Kyiv" };
export const modern = (zone) => RENAMED[zone] || zone;
export const zoneLabel = (zone) => zone.replace(/_/g, " ");
export const zoneList = () => [...new Set([...Intl.supportedValuesOf("timeZone").map(modern), "UTC"])].sort();
