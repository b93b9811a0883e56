{{- /*
  Markdown summary of a drydock report, for a merge request comment or a CI
  job summary: counts by severity, one row per finding, then the suppressed
  findings with their reasons. Misconfigurations, secrets and personal data
  follow, each in a section of its own when its scanner ran. Secrets show
  only the report's redacted match, personal data its redacted samples.
*/ -}}
## drydock: `{{ .Artifact.Name }}`

{{ with .Inventory.OS }}{{ .PrettyName }} · {{ end }}{{ len .Inventory.Packages }} packages · scanned {{ (now).UTC.Format "2006-01-02 15:04 UTC" }} with {{ .Tool.Name }} {{ .Tool.Version }}

{{ if eq .Vulnerabilities nil -}}
Vulnerability scanning was not run.
{{ else -}}
| Critical | High | Medium | Low | Unknown |
| ---: | ---: | ---: | ---: | ---: |
| {{ severityCount .Vulnerabilities "critical" }} | {{ severityCount .Vulnerabilities "high" }} | {{ severityCount .Vulnerabilities "medium" }} | {{ severityCount .Vulnerabilities "low" }} | {{ severityCount .Vulnerabilities "unknown" }} |

{{ if not .Vulnerabilities -}}
No vulnerabilities found.
{{ else -}}
| Vulnerability | Severity | Package | Installed | Fixed in | Path |
| --- | --- | --- | --- | --- | --- |
{{ end -}}
{{ range .Vulnerabilities }}{{ if not .Suppressed -}}
| {{ .ID }} | {{ .Severity }} | {{ .Package.Name }} | {{ .Package.Version }} | {{ or .FixedVersion "no fix" }} | {{ range $i, $l := .Package.Locations }}{{ if $i }}, {{ end }}`{{ $l.Path }}`{{ end }} |
{{ end }}{{ end }}
{{- $first := true }}
{{- range .Vulnerabilities }}{{ if .Suppressed }}
{{- if $first }}{{ $first = false }}
<details><summary>Suppressed</summary>

{{ end -}}
- {{ .ID }} in {{ .Package.Name }} {{ .Package.Version }}: {{ .Suppressed.By }}{{ with .Suppressed.Reason }} ({{ . }}){{ end }}
{{ end }}{{ end }}
{{- if not $first }}
</details>
{{ end }}
{{- end -}}
{{ if ne .Misconfigurations nil }}
### Misconfigurations

Critical {{ severityCount .Misconfigurations "critical" }} · High {{ severityCount .Misconfigurations "high" }} · Medium {{ severityCount .Misconfigurations "medium" }} · Low {{ severityCount .Misconfigurations "low" }} · Unknown {{ severityCount .Misconfigurations "unknown" }}
{{ with unsuppressed .Misconfigurations }}
| Check | Severity | Where | Title | Finding |
| --- | --- | --- | --- | --- |
{{ range . -}}
| {{ escapeMarkdown .ID }} | {{ .Severity }} | {{ markdownCode .Target }}{{ if .Line }}:{{ .Line }}{{ end }}{{ with .Object }} ({{ escapeMarkdown . }}){{ end }} | {{ escapeMarkdown .Title }} | {{ escapeMarkdown .Message }} |
{{ end }}
{{- else }}{{ if not .Misconfigurations }}
No misconfigurations found.
{{ end }}{{ end }}
{{- $first := true }}
{{- range .Misconfigurations }}{{ if .Suppressed }}
{{- if $first }}{{ $first = false }}
<details><summary>Suppressed</summary>

{{ end -}}
- {{ escapeMarkdown .ID }}{{ with .Object }} in {{ escapeMarkdown . }}{{ end }}: {{ escapeMarkdown .Suppressed.By }}{{ with .Suppressed.Reason }} ({{ escapeMarkdown . }}){{ end }}
{{ end }}{{ end }}
{{- if not $first }}
</details>
{{ end }}
{{- end }}
{{- if ne .Secrets nil }}
### Secrets

Critical {{ severityCount .Secrets "critical" }} · High {{ severityCount .Secrets "high" }} · Medium {{ severityCount .Secrets "medium" }} · Low {{ severityCount .Secrets "low" }} · Unknown {{ severityCount .Secrets "unknown" }}
{{ with unsuppressed .Secrets }}
| Rule | Severity | File | Layer | Match |
| --- | --- | --- | --- | --- |
{{ range . -}}
| {{ escapeMarkdown .RuleID }} | {{ .Severity }} | {{ markdownCode .Location.Path }}{{ if .Line }}:{{ .Line }}{{ end }} | {{ if .Location.Layer }}{{ .Location.LayerIndex }}{{ else }}-{{ end }}{{ if .Deleted }}, deleted later (still in the image){{ end }} | {{ markdownCode .Match }} |
{{ end }}
{{- else }}{{ if not .Secrets }}
No secrets found.
{{ end }}{{ end }}
{{- $first := true }}
{{- range .Secrets }}{{ if .Suppressed }}
{{- if $first }}{{ $first = false }}
<details><summary>Suppressed</summary>

{{ end -}}
- {{ escapeMarkdown .RuleID }} in {{ markdownCode .Location.Path }}: {{ escapeMarkdown .Suppressed.By }}{{ with .Suppressed.Reason }} ({{ escapeMarkdown . }}){{ end }}
{{ end }}{{ end }}
{{- if not $first }}
</details>
{{ end }}
{{- end }}
{{- if ne .PersonalData nil }}
### Personal data

{{ if not .PersonalData -}}
No personal data found.
{{ else -}}
| File | Layer | Found |
| --- | --- | --- |
{{ range .PersonalData -}}
| {{ markdownCode .Location.Path }} | {{ if .Location.Layer }}{{ .Location.LayerIndex }}{{ else }}-{{ end }}{{ if .Deleted }}, deleted later (still in the image){{ end }} | {{ range $i, $k := .Kinds }}{{ if $i }}, {{ end }}{{ escapeMarkdown $k.Kind }} × {{ $k.Count }}{{ with $k.Sample }} ({{ markdownCode . }}){{ end }}{{ end }} |
{{ end }}
{{- end }}
{{- end -}}
