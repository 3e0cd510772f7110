// tldraw's own multiplayer: `useSync` against the bench's in-memory TLSocketRoom (sync-server.mjs).
import { useSync } from '@tldraw/sync'
import { BenchEditor, mount, params } from './editor.jsx'

/** The bench's boards hold no images; an upload would be a bug in the bench. */
const assets = {
  upload: async () => {
    throw new Error('the bench uploads no assets')
  },
  resolve: (asset) => asset.props.src,
}

function SyncedBoard() {
  const store = useSync({ uri: `ws://${location.host}/connect/${params.get('room')}`, assets })
  return <BenchEditor store={store} />
}

mount(<SyncedBoard />)
