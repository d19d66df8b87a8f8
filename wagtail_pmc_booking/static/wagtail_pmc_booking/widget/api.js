/* The REST API, and what its failures say. */
import { t } from "./strings.js";

export async function api(w, path, { query = {}, body } = {}) {
	const url = new URL(w.cfg.apiBase + path, location.href);
	for (const [k, v] of Object.entries(query)) {
		if (v != null) url.searchParams.set(k, v);
	}
	try {
		const post = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
		const res = await fetch(url, body ? post : {});
		const data = await res.json().catch(() => ({}));
		return { ok: res.ok, status: res.status, data, error: data.error || {} };
	} catch {
		return { status: 0, error: {} };
	}
}

export function message(w, { status, error }) {
	if (!status) return t("offline");
	if (status === 404 && w.token) return t("invalid");
	return error.message || t("failed");
}
