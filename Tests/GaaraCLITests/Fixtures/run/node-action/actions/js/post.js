console.log(`post ran for ${process.env.INPUT_NAME}`);
