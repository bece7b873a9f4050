// The transfer routes' shared pieces (Tessera-specific: Mixpeek's presigned URLs point at S3).
import { Type } from '@sinclair/typebox';

export const BLOB_TRANSFER_TAG = 'Blob transfer (Tessera)';

export const TransferParams = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 1024, description: 'The signed transfer token of a presigned URL' }),
});
