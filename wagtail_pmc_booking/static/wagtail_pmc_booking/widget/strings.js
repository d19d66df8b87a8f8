/* Texts from Django (widget.py widget_strings(), in the config): %(name)s placeholders. */
const texts = {};
let rules = new Intl.PluralRules();

export function useStrings(strings, language) {
	Object.assign(texts, strings, window.PMC_BOOKING_STRINGS);
	try {
		rules = new Intl.PluralRules(language || undefined);
	} catch {
		// keep the browser's rules
	}
}

/** Plurals hold Django's form for sample counts: n's own, or one in n's CLDR category. */
function plural(forms, n) {
	if (forms[n] != null) return forms[n];
	const category = rules.select(n);
	const sample = Object.keys(forms).find((s) => rules.select(Number(s)) === category);
	return forms[sample ?? 2];
}

export function parts(key, vars = {}) {
	let message = texts[key] ?? key;
	if (typeof message === "object") message = plural(message, vars.n);
	return message.split(/%\((\w+)\)s/).map((s, i) => (i % 2 ? (vars[s] ?? `%(${s})s`) : s));
}

export const t = (key, vars) => parts(key, vars).join("");
