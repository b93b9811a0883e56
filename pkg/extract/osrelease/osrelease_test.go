package osrelease_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/osrelease"
	"github.com/drydockhq/drydock/pkg/model"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		path, body string
		want       *model.OSRelease
	}{
		{"usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
			&model.OSRelease{ID: "debian", VersionID: "12", Codename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)", Path: "usr/lib/os-release"}},
		{"etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.10.4\nPRETTY_NAME=\"Alpine Linux v3.10\"\n",
			&model.OSRelease{ID: "alpine", VersionID: "3.10.4", PrettyName: "Alpine Linux v3.10", Path: "etc/os-release"}},
		{"etc/os-release", "NAME=\"AlmaLinux\"\nVERSION=\"9.3 (Shamrock Pampas Cat)\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n",
			&model.OSRelease{ID: "almalinux", VersionID: "9.3", Path: "etc/os-release"}},
		{"etc/alpine-release", "3.11.5\n", &model.OSRelease{ID: "alpine", VersionID: "3.11.5", Path: "etc/alpine-release"}},
		{"etc/debian_version", "12.5\n", &model.OSRelease{ID: "debian", VersionID: "12", Path: "etc/debian_version"}},
		{"etc/debian_version", "trixie/sid\n", &model.OSRelease{ID: "debian", Codename: "trixie", Path: "etc/debian_version"}},
		{"etc/almalinux-release", "AlmaLinux release 9.3 (Shamrock Pampas Cat)\n", &model.OSRelease{ID: "almalinux", VersionID: "9.3", PrettyName: "AlmaLinux release 9.3 (Shamrock Pampas Cat)", Path: "etc/almalinux-release"}},
		{"etc/os-release", "NAME=nothing\n", nil},
	}
	for _, tt := range tests {
		in := extract.NewInput(tt.path, nil, bytes.NewReader([]byte(tt.body)), nil)
		res, err := osrelease.New().Extract(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		var got *model.OSRelease
		if res != nil {
			got = res.OS
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.path, diff)
		}
	}
}

func FuzzParseOSRelease(f *testing.F) {
	f.Add("ID=debian\nVERSION_ID=\"12\"\n")
	f.Add("ID='x\nVERSION_ID=\"\\\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		if osr := osrelease.ParseOSRelease(s); osr != nil && osr.ID == "" {
			t.Fatal("release without ID")
		}
	})
}
