import type { BacklogItem } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import { groupByRelease, inAppPath, pointsText } from './backlogGroups'

function item(rank: number, releaseId: string | null, estimate: number | null = null): BacklogItem {
  return {
    rank,
    id: `shape:${rank}`,
    title: `Card ${rank}`,
    story: '',
    acceptance: [],
    estimate,
    moscow: null,
    votes: 0,
    labels: [],
    epic: null,
    epicId: null,
    release: releaseId,
    releaseId,
    url: `http://localhost:8787/b/board?card=shape%3A${rank}`,
    jiraKey: null,
    comments: [],
    openQuestions: 0,
  }
}

const releases = [
  { id: 'shape:mvp', name: 'MVP' },
  { id: 'shape:r2', name: 'Release 2' },
  { id: 'shape:later', name: 'Later' },
]

describe('groupByRelease', () => {
  it('puts the releases in slice order, each in rank order, and "No release" last', () => {
    const groups = groupByRelease({
      releases,
      items: [item(4, null), item(3, 'shape:r2', 5), item(1, 'shape:mvp', 3), item(2, 'shape:mvp')],
    })
    expect(groups.map((group) => [group.name, group.items.map((entry) => entry.rank)])).toEqual([
      ['MVP', [1, 2]],
      ['Release 2', [3]],
      ['Later', []],
      ['No release', [4]],
    ])
    expect(groups[0]).toMatchObject({ id: 'shape:mvp', points: 3, unestimated: 1 })
    expect(groups[3]?.id).toBeNull()
  })

  it('leaves "No release" out when every item is in a slice', () => {
    const groups = groupByRelease({ releases: releases.slice(0, 1), items: [item(1, 'shape:mvp')] })
    expect(groups.map((group) => group.name)).toEqual(['MVP'])
  })

  it('treats an item of an unknown release as under no release', () => {
    expect(groupByRelease({ releases: [], items: [item(1, 'shape:gone')] })[0]?.name).toBe('No release')
  })
})

describe('inAppPath', () => {
  it('keeps the path and query of an item link, whatever the server’s address', () => {
    expect(inAppPath('http://localhost:8787/b/board?card=shape%3Aa')).toBe('/b/board?card=shape%3Aa')
    expect(inAppPath('/b/board?card=x')).toBe('/b/board?card=x')
  })
})

describe('pointsText', () => {
  it('counts points and the items without an estimate', () => {
    expect(pointsText({ items: [item(1, null, 1)], points: 1, unestimated: 0 })).toBe('1 point')
    expect(pointsText({ items: [item(1, null, 8), item(2, null)], points: 8, unestimated: 1 })).toBe(
      '8 points, 1 not estimated',
    )
    expect(pointsText({ items: [item(1, null)], points: 0, unestimated: 1 })).toBe('not estimated')
  })
})
