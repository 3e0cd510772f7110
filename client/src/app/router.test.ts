import { describe, expect, it } from 'vitest'
import { routeFor } from './router'

describe('routeFor', () => {
  it('knows the home page', () => {
    expect(routeFor('/')).toEqual({ page: 'home' })
  })

  it('knows a board by its id', () => {
    expect(routeFor('/b/sprint-12')).toEqual({ page: 'board', boardId: 'sprint-12' })
    expect(routeFor('/b/sprint-12/')).toEqual({ page: 'board', boardId: 'sprint-12' })
  })

  it('knows the sign-in, sign-up, join and backlog pages', () => {
    expect(routeFor('/signin')).toEqual({ page: 'sign-in' })
    expect(routeFor('/signup')).toEqual({ page: 'sign-up' })
    expect(routeFor('/join/Abc_def-1234567')).toEqual({ page: 'join', token: 'Abc_def-1234567' })
    expect(routeFor('/b/sprint-12/backlog')).toEqual({ page: 'backlog', boardId: 'sprint-12' })
    expect(routeFor('/b/sprint-12/versions/v_Ab9-x_')).toEqual({
      page: 'version',
      boardId: 'sprint-12',
      versionId: 'v_Ab9-x_',
    })
  })

  it('sends anything else to the not-found page', () => {
    expect(routeFor('/join/short')).toEqual({ page: 'not-found' })
    expect(routeFor('/b/')).toEqual({ page: 'not-found' })
    expect(routeFor('/b/a/b')).toEqual({ page: 'not-found' })
    expect(routeFor('/b/a/versions/')).toEqual({ page: 'not-found' })
    expect(routeFor('/b/a/versions/v.1')).toEqual({ page: 'not-found' })
    expect(routeFor('/b/%20')).toEqual({ page: 'not-found' })
    expect(routeFor('/settings')).toEqual({ page: 'not-found' })
  })
})
