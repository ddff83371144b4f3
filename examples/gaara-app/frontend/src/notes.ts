/**
 * Client-side helpers for the notes API: the same validation rules as
 * backend/app/models.py, plus formatting for display.
 */

export const MAX_TITLE_LENGTH = 200;
export const MAX_BODY_LENGTH = 10000;
export const MAX_TAGS = 10;
const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

export interface NoteInput {
  title: string;
  body: string;
  tags: string[];
}

export interface Note extends NoteInput {
  id: number;
  created_at: string;
}

export type FieldErrors = Partial<Record<"title" | "body" | "tags" | "fields", string>>;

export type ValidationResult =
  | { ok: true; value: NoteInput }
  | { ok: false; errors: FieldErrors };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Lower-case, trim and de-duplicate tags. Returns an error message or the tags. */
export function normalizeTags(raw: unknown): { tags: string[]; error?: string } {
  if (raw === undefined || raw === null) {
    return { tags: [] };
  }
  if (!Array.isArray(raw)) {
    return { tags: [], error: "must be a list of strings" };
  }
  const tags: string[] = [];
  for (const item of raw) {
    if (typeof item !== "string") {
      return { tags: [], error: "must be a list of strings" };
    }
    const tag = item.trim().toLowerCase();
    if (!TAG_PATTERN.test(tag)) {
      return { tags: [], error: `invalid tag "${item}" (use a-z, 0-9 and '-', max 32)` };
    }
    if (!tags.includes(tag)) {
      tags.push(tag);
    }
  }
  if (tags.length > MAX_TAGS) {
    return { tags: [], error: `at most ${MAX_TAGS} tags` };
  }
  return { tags };
}

/** Validate form input before sending it to POST /notes. */
export function validateNoteInput(input: unknown): ValidationResult {
  if (!isRecord(input)) {
    return { ok: false, errors: { body: "expected an object" } };
  }
  const errors: FieldErrors = {};

  const title = input.title;
  if (typeof title !== "string" || title.trim() === "") {
    errors.title = "is required";
  } else if (title.trim().length > MAX_TITLE_LENGTH) {
    errors.title = `at most ${MAX_TITLE_LENGTH} characters`;
  }

  const body = input.body === undefined ? "" : input.body;
  if (typeof body !== "string") {
    errors.body = "must be a string";
  } else if (body.length > MAX_BODY_LENGTH) {
    errors.body = `at most ${MAX_BODY_LENGTH} characters`;
  }

  const { tags, error: tagError } = normalizeTags(input.tags);
  if (tagError !== undefined) {
    errors.tags = tagError;
  }

  const unknown = Object.keys(input)
    .filter((key) => !["title", "body", "tags"].includes(key))
    .sort();
  if (unknown.length > 0) {
    errors.fields = `unknown field(s): ${unknown.join(", ")}`;
  }

  if (Object.keys(errors).length > 0 || typeof title !== "string" || typeof body !== "string") {
    return { ok: false, errors };
  }
  return { ok: true, value: { title: title.trim(), body, tags } };
}

/** Parse and check a note returned by the API. Throws on malformed data. */
export function parseNote(json: string): Note {
  const data: unknown = JSON.parse(json);
  if (
    !isRecord(data) ||
    typeof data.id !== "number" ||
    typeof data.title !== "string" ||
    typeof data.body !== "string" ||
    typeof data.created_at !== "string" ||
    !Array.isArray(data.tags) ||
    !data.tags.every((tag: unknown) => typeof tag === "string")
  ) {
    throw new TypeError("response is not a note");
  }
  return {
    id: data.id,
    title: data.title,
    body: data.body,
    tags: data.tags as string[],
    created_at: data.created_at,
  };
}

/** Shorten text to maxLength characters, ending with an ellipsis if cut. */
export function truncate(text: string, maxLength: number): string {
  if (maxLength < 1) {
    throw new RangeError("maxLength must be at least 1");
  }
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxLength) {
    return flat;
  }
  return `${flat.slice(0, maxLength - 1).trimEnd()}…`;
}

/** One-line summary for a list view: "#3 Ship v1 [release] — first words…". */
export function formatNote(note: Note, previewLength = 40): string {
  const tags = note.tags.length > 0 ? ` [${note.tags.join(", ")}]` : "";
  const preview = note.body.trim() === "" ? "" : ` — ${truncate(note.body, previewLength)}`;
  return `#${note.id} ${note.title}${tags}${preview}`;
}

/** Build a query string for GET /notes. */
export function notesUrl(baseUrl: string, tag?: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  if (tag === undefined || tag === "") {
    return `${base}/notes`;
  }
  return `${base}/notes?tag=${encodeURIComponent(tag.trim().toLowerCase())}`;
}
