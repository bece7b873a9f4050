import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { PUBLIC } from '../../../policy.ts';
import { toLiveness } from '../../../presenters/health.ts';

export default defineOperation({
  operationId: 'liveness_v1_health_liveness_get',
  method: 'GET',
  url: '/liveness',
  policy: PUBLIC,
  schema: {
    tags: ['Health'],
    summary: 'Liveness',
    description: 'Answers as soon as the process can serve HTTP; checks nothing (container probe).',
    response: { 200: Type.Object({ status: Type.String() }, { description: 'Successful Response' }) },
  },
  handler: async () => toLiveness(),
});
