/* Texts from Django's widget_strings(), with %(name)s placeholders. */
const texts = {};
let rules;

export function useStrings(strings, language) {
	Object.assign(texts, strings);
	rules = new Intl.PluralRules(language);
}

/** Django's form for n, or for a sample in n's plural category. */
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
