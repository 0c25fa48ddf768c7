/** A view that a later piece of work fills: says what it will hold and how to get there today. */
export function ComingView({
  title,
  intro,
  features,
  meanwhile,
}: {
  title: string
  intro: string
  features: string[]
  meanwhile: string[]
}): React.JSX.Element {
  return (
    <div className="page">
      <h1>{title}</h1>
      <p className="lead">{intro}</p>
      <section className="panel" aria-label={`What ${title} will hold`}>
        <h2>What this view will hold</h2>
        <ul className="checklist">
          {features.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-label="Meanwhile">
        <h2>What you can do today</h2>
        <ul>
          {meanwhile.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      </section>
    </div>
  )
}
