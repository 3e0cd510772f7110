import { type FormEvent, useId, useState } from 'react'
import { api, errorMessage } from '../api/client'
import { Link } from '../app/Link'
import { Logo } from '../app/Logo'
import { navigate } from '../app/router'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { nextPath, setMe } from './me'

type Mode = 'sign-in' | 'sign-up'

const TEXT: Record<
  Mode,
  { title: string; submit: string; busy: string; switchText: string; switchLink: string }
> = {
  'sign-in': {
    title: 'Sign in to Refinery',
    submit: 'Sign in',
    busy: 'Signing in…',
    switchText: 'New here?',
    switchLink: 'Create an account',
  },
  'sign-up': {
    title: 'Create your Refinery account',
    submit: 'Create account',
    busy: 'Creating your account…',
    switchText: 'Already have an account?',
    switchLink: 'Sign in',
  },
}

/** Sign-in and sign-up: one form, with a name field when signing up. */
export function AuthPage({ mode }: { mode: Mode }) {
  const text = TEXT[mode]
  useDocumentTitle(`${text.submit} · Refinery`)
  const ids = { name: useId(), email: useId(), password: useId() }
  const [fields, setFields] = useState({ name: '', email: '', password: '' })
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const next = nextPath()
  const otherPath = `${mode === 'sign-in' ? '/signup' : '/signin'}${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const user =
        mode === 'sign-in'
          ? await api.signIn({ email: fields.email, password: fields.password })
          : await api.signUp({ email: fields.email, password: fields.password, name: fields.name })
      setMe(user)
      navigate(next)
    } catch (caught) {
      setError(errorMessage(caught, 'Something went wrong. Try again.'))
      setBusy(false)
    }
  }

  const field = (key: keyof typeof fields) => ({
    id: ids[key],
    className: 'field',
    value: fields[key],
    onChange: (event: { target: { value: string } }) => setFields({ ...fields, [key]: event.target.value }),
  })

  return (
    <main className="centered-page">
      <section className="panel auth">
        <Link to="/" className="brand">
          <Logo size={32} />
          <span className="brand__name">Refinery</span>
        </Link>
        <h1 className="auth__title">{text.title}</h1>
        <form className="form" onSubmit={submit} data-testid={`${mode}-form`}>
          {mode === 'sign-up' && (
            <div className="form__field">
              <label htmlFor={ids.name}>Your name</label>
              <input {...field('name')} name="name" autoComplete="name" required maxLength={60} />
              <p className="muted form__hint">Shown with your cursor and your dots.</p>
            </div>
          )}
          <div className="form__field">
            <label htmlFor={ids.email}>Email</label>
            <input {...field('email')} name="email" type="email" autoComplete="email" required />
          </div>
          <div className="form__field">
            <label htmlFor={ids.password}>Password</label>
            <input
              {...field('password')}
              name="password"
              type="password"
              autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
              minLength={mode === 'sign-up' ? 8 : undefined}
              required
            />
            {mode === 'sign-up' && <p className="muted form__hint">At least 8 characters.</p>}
          </div>
          {error && (
            <p className="field-error" role="alert" data-testid="auth-error">
              {error}
            </p>
          )}
          <button type="submit" className="button button--primary button--large" disabled={busy}>
            {busy ? text.busy : text.submit}
          </button>
        </form>
        <p className="muted auth__switch">
          {text.switchText} <Link to={otherPath}>{text.switchLink}</Link>
        </p>
      </section>
    </main>
  )
}
