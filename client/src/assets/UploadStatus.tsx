import { useValue } from 'tldraw'
import type { BoardImages } from './boardImages'
import { describeUploads, uploadPercent } from './uploadQueue'

/**
 * The images on their way to the server, under the board's header: how far the uploads are, what
 * they wait for, and why the server refused one (until it is dismissed). `data-phase` is for the
 * end-to-end tests.
 */
export function UploadStatus({ images }: { images: BoardImages }) {
  const uploads = useValue('image uploads', () => images.$uploads.get(), [images])
  const summary = describeUploads(uploads)
  const percent = uploadPercent(uploads)
  return (
    <>
      {summary && (
        <div
          className={`uploads uploads--${percent === null ? 'waiting' : 'uploading'}`}
          role="status"
          data-testid="upload-status"
          data-phase={percent === null ? 'waiting' : 'uploading'}
        >
          <span className="uploads__label">{summary}</span>
          {percent !== null && (
            <span className="uploads__bar" aria-hidden="true">
              <span className="uploads__done" style={{ width: `${percent}%` }} />
            </span>
          )}
        </div>
      )}
      {uploads.map(
        (upload) =>
          upload.phase === 'refused' && (
            <div
              key={upload.id}
              className="notice notice--error uploads__refusal"
              role="alert"
              data-testid="upload-refusal"
            >
              <span data-testid="upload-refusal-message">
                {upload.name && <span className="uploads__name">{upload.name} was not added. </span>}
                {upload.refusal}
              </span>
              <button
                type="button"
                className="button button--small"
                onClick={() => images.dismiss(upload.id)}
              >
                Dismiss
              </button>
            </div>
          ),
      )}
    </>
  )
}
