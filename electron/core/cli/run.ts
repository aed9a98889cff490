import { main } from './main';

// Entry point of the `medvault` command: the exit code is the contract (0, 1, 2).
process.exitCode = await main(process.argv.slice(2));
