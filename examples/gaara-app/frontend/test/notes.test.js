"use strict";

// Tests run against the compiled output in dist/ (run `tsc -p .` first).
const { describe, it } = require("node:test");
const assert = require("node:assert/strict");

const notes = require("../dist/notes.js");

describe("normalizeTags", () => {
    it("lower-cases, trims and de-duplicates", () => {
        assert.deepEqual(notes.normalizeTags([" Work", "work", "home"]), { tags: ["work", "home"] });
    });

    it("treats a missing value as no tags", () => {
        assert.deepEqual(notes.normalizeTags(undefined), { tags: [] });
        assert.deepEqual(notes.normalizeTags(null), { tags: [] });
    });

    it("rejects non-lists, non-strings and bad characters", () => {
        assert.equal(notes.normalizeTags("work").error, "must be a list of strings");
        assert.equal(notes.normalizeTags([1]).error, "must be a list of strings");
        assert.match(notes.normalizeTags(["no spaces"]).error, /invalid tag/);
    });

    it("limits the number of tags", () => {
        const many = Array.from({ length: notes.MAX_TAGS + 1 }, (_, i) => `t${i}`);
        assert.equal(notes.normalizeTags(many).error, `at most ${notes.MAX_TAGS} tags`);
    });
});

describe("validateNoteInput", () => {
    it("accepts and normalises a valid note", () => {
        assert.deepEqual(notes.validateNoteInput({ title: "  Hi ", tags: ["A"] }), {
            ok: true,
            value: { title: "Hi", body: "", tags: ["a"] },
        });
    });

    const cases = [
        [{}, "title"],
        [{ title: "   " }, "title"],
        [{ title: "x".repeat(notes.MAX_TITLE_LENGTH + 1) }, "title"],
        [{ title: "ok", body: 3 }, "body"],
        [{ title: "ok", body: "b".repeat(notes.MAX_BODY_LENGTH + 1) }, "body"],
        [{ title: "ok", tags: "x" }, "tags"],
        [{ title: "ok", owner: "me" }, "fields"],
    ];
    for (const [input, field] of cases) {
        it(`reports ${field} for ${JSON.stringify(input).slice(0, 40)}`, () => {
            const result = notes.validateNoteInput(input);
            assert.equal(result.ok, false);
            assert.ok(field in result.errors, JSON.stringify(result.errors));
        });
    }

    it("rejects non-objects", () => {
        for (const input of [null, "note", ["title"]]) {
            assert.deepEqual(notes.validateNoteInput(input), {
                ok: false,
                errors: { body: "expected an object" },
            });
        }
    });
});

describe("parseNote", () => {
    const note = { id: 1, title: "t", body: "b", tags: ["x"], created_at: "2024-01-01T00:00:00Z" };

    it("returns a typed note", () => {
        assert.deepEqual(notes.parseNote(JSON.stringify(note)), note);
    });

    it("throws on malformed responses", () => {
        assert.throws(() => notes.parseNote("[]"), TypeError);
        assert.throws(() => notes.parseNote(JSON.stringify({ ...note, id: "1" })), TypeError);
        assert.throws(() => notes.parseNote(JSON.stringify({ ...note, tags: [1] })), TypeError);
        assert.throws(() => notes.parseNote("{oops"), SyntaxError);
    });
});

describe("formatting", () => {
    it("truncates long text with an ellipsis", () => {
        assert.equal(notes.truncate("short", 10), "short");
        assert.equal(notes.truncate("a  b\n c", 10), "a b c");
        assert.equal(notes.truncate("hello wonderful world", 8), "hello w…");
        assert.throws(() => notes.truncate("x", 0), RangeError);
    });

    it("formats a note for a list view", () => {
        const base = { id: 3, title: "Ship v1", body: "", tags: [], created_at: "" };
        assert.equal(notes.formatNote(base), "#3 Ship v1");
        assert.equal(
            notes.formatNote({ ...base, tags: ["release", "q3"], body: "Tag the release and write notes" }, 12),
            "#3 Ship v1 [release, q3] — Tag the rel…",
        );
    });

    it("builds list URLs", () => {
        assert.equal(notes.notesUrl("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/notes");
        assert.equal(notes.notesUrl("http://h", ""), "http://h/notes");
        assert.equal(notes.notesUrl("http://h", " Release Notes "), "http://h/notes?tag=release%20notes");
    });
});
