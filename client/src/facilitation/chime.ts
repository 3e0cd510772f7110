/**
 * The timer's quiet sound: two short soft tones made with Web Audio, no sound file. Browsers let a
 * page play sound only after the person has interacted with it, so the audio context is made on the
 * first pointer or key press; before that, the timer at zero stays silent.
 */
let context: AudioContext | null = null
let listening = false

function unlock(): void {
  try {
    context ??= new AudioContext()
    if (context.state === 'suspended') void context.resume()
  } catch {
    context = null
  }
}

/** Readies the sound for the first interaction of the page; calling it again does nothing. */
export function armChime(): void {
  if (listening || typeof window === 'undefined' || typeof AudioContext === 'undefined') return
  listening = true
  // Capture: the canvas stops some events from bubbling.
  for (const type of ['pointerdown', 'keydown'] as const) window.addEventListener(type, unlock, true)
}

/** Plays the sound if the page may; returns whether it did. */
export function chime(): boolean {
  if (context?.state !== 'running') return false
  const start = context.currentTime
  for (const [offset, frequency] of [
    [0, 880],
    [0.22, 660],
  ] as const) {
    const tone = context.createOscillator()
    const volume = context.createGain()
    tone.type = 'sine'
    tone.frequency.value = frequency
    // A soft attack and a quick fade: a gentle "ding", not a click.
    volume.gain.setValueAtTime(0, start + offset)
    volume.gain.linearRampToValueAtTime(0.06, start + offset + 0.02)
    volume.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.35)
    tone.connect(volume).connect(context.destination)
    tone.start(start + offset)
    tone.stop(start + offset + 0.4)
  }
  return true
}
