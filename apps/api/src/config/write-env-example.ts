import { writeFileSync } from 'node:fs';
import { renderEnvExample } from './env-example.js';

writeFileSync(process.argv[2] ?? '.env.example', renderEnvExample());
