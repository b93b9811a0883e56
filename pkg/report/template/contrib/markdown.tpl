{{- /*
  Markdown summary of a drydock report, for a merge request comment or a CI
  job summary: counts by severity, one row per finding, then the suppressed
  findings with their reasons.
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
