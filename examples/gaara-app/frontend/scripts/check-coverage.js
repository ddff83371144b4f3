"use strict";

// Fail when line coverage in an LCOV file is below a threshold.
// Node 20's test runner has no --test-coverage-lines option (added in 22.8),
// so the frontend job enforces the >= 80% gate with this script.
//
// Usage: node scripts/check-coverage.js LCOV_FILE [--min 80] [--only src/]

const fs = require("fs");

function parseArgs(argv) {
    const options = { file: undefined, min: 80, only: "" };
    for (let i = 0; i < argv.length; i += 1) {
        const arg = argv[i];
        if (arg === "--min") {
            options.min = Number(argv[++i]);
        } else if (arg === "--only") {
            options.only = argv[++i];
        } else {
            options.file = arg;
        }
    }
    if (!options.file || !Number.isFinite(options.min)) {
        throw new Error("usage: check-coverage.js LCOV_FILE [--min 80] [--only PREFIX]");
    }
    return options;
}

function lineCoverage(lcov, only) {
    const files = [];
    let current = null;
    for (const line of lcov.split(/\r?\n/)) {
        if (line.startsWith("SF:")) {
            current = { name: line.slice(3), found: 0, hit: 0 };
        } else if (current && line.startsWith("LF:")) {
            current.found = Number(line.slice(3));
        } else if (current && line.startsWith("LH:")) {
            current.hit = Number(line.slice(3));
        } else if (current && line === "end_of_record") {
            if (current.name.startsWith(only)) {
                files.push(current);
            }
            current = null;
        }
    }
    return files;
}

function main() {
    const options = parseArgs(process.argv.slice(2));
    const files = lineCoverage(fs.readFileSync(options.file, "utf8"), options.only);
    if (files.length === 0) {
        console.error(`no coverage records for "${options.only}" in ${options.file}`);
        return 1;
    }
    let found = 0;
    let hit = 0;
    for (const file of files) {
        found += file.found;
        hit += file.hit;
        console.log(`${file.name}: ${file.hit}/${file.found} lines`);
    }
    const percent = found === 0 ? 100 : (100 * hit) / found;
    const verdict = percent >= options.min ? "ok" : "FAILED";
    console.log(`line coverage ${percent.toFixed(2)}% (minimum ${options.min}%): ${verdict}`);
    return percent >= options.min ? 0 : 1;
}

process.exitCode = main();
