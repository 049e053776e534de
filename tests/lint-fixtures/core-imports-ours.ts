// lint-as: src/core/lint-fixture.ts
// expect: src/core imports nothing of ours (pure types and zod schemas) (imports src/store/db.ts)
// expect: src/core imports nothing of ours (pure types and zod schemas) (imports src/lib/ids.ts)
// expect: src/core imports nothing of ours (pure types and zod schemas) (imports src/store/index.ts)
import { z } from 'zod';
import type { Db } from '../store/db.js';
import { stableId } from '../lib/ids.js';
import type { Canonical } from './canonical.js';

export const schema = z.object({ id: z.string() });
export type Both = [Db, Canonical];
export const id = stableId;
export const later = () => import('../store/index.js');
