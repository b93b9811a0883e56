// Package list names drydock's extractors: an explicit list, not a registry.
package list

import (
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/apk"
	"github.com/drydockhq/drydock/pkg/extract/dotnet"
	"github.com/drydockhq/drydock/pkg/extract/dpkg"
	"github.com/drydockhq/drydock/pkg/extract/golang"
	"github.com/drydockhq/drydock/pkg/extract/java"
	"github.com/drydockhq/drydock/pkg/extract/javascript"
	"github.com/drydockhq/drydock/pkg/extract/osrelease"
	"github.com/drydockhq/drydock/pkg/extract/php"
	"github.com/drydockhq/drydock/pkg/extract/python"
	"github.com/drydockhq/drydock/pkg/extract/rpm"
	"github.com/drydockhq/drydock/pkg/extract/ruby"
	"github.com/drydockhq/drydock/pkg/extract/rust"
)

// Default returns every extractor, in a stable order.
func Default() extract.Set {
	return extract.Set{
		osrelease.New(),
		dpkg.New(),
		dpkg.NewCopyright(),
		apk.New(),
		rpm.New(),
		golang.NewBinary(),
		golang.NewMod(),
		rust.NewLock(),
		rust.NewAuditable(),
		java.New(),
		javascript.NewNPMLock(),
		javascript.NewYarnLock(),
		javascript.NewPNPMLock(),
		javascript.NewNodeModules(),
		javascript.NewManifest(),
		python.NewInstalled(),
		python.NewRequirements(),
		python.NewPoetry(),
		python.NewPipenv(),
		python.NewUV(),
		ruby.NewGemfileLock(),
		ruby.NewGemspec(),
		php.NewComposerLock(),
		php.NewComposerInstalled(),
		dotnet.NewDeps(),
		dotnet.NewNuGetLock(),
	}
}
