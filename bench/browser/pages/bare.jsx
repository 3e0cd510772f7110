// The floor: tldraw with no sync at all, its store filled from the same records the servers hold.
import { createTLStore, defaultBindingUtils, defaultShapeUtils } from 'tldraw'
import { BenchEditor, mount, params } from './editor.jsx'

const records = await (await fetch(`/records?shapes=${params.get('shapes')}`)).json()
const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
store.mergeRemoteChanges(() => store.put(records))
mount(<BenchEditor store={store} />)
