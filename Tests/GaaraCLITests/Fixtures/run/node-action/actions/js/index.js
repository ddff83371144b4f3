const fs = require('fs');
const name = process.env.INPUT_NAME;
console.log(`node got ${name}`);
fs.appendFileSync(process.env.GITHUB_OUTPUT, `shout=${name.toUpperCase()}\n`);
