"""Small files shaped like the ONS's: the ONSPD and the NSPL in both header styles, their zips, and an
LSOA to sub-ICB location to ICB lookup. The headers are those of the published editions named, as
public copies of their first lines show them (the lookup's as issue 24 lists its columns); the rows
carry real sub-ICB location, ICB and region codes from the bundled data, so every answer can be
checked against the data."""
import csv
import io
import zipfile

# The ONSPD of August 2026 (55 columns, names corrected on 7 September 2026).
ONSPD_2026 = ("pcd7,pcd8,pcds,dointr,doterm,cty26cd,ced25cd,lad26cd,wd26cd,parncp26cd,usrtypind,east1m,north1m,"
              "gridind,hlth19cd,nhser24cd,ctry26cd,rgn26cd,ssr95cd,pcon24cd,eer20cd,educ23cd,ttwa15cd,pco19cd,itl25cd,"
              "wdstl05cd,oa01cd,wdcas03cd,npark16cd,lsoa01cd,msoa01cd,ruc01ind,oac01ind,oa11cd,lsoa11cd,msoa11cd,wz11cd,"
              "sicbl26cd,bua24cd,ruc11ind,oac11ind,lat,long,lep21cd1,lep21cd2,pfa23cd,imd20ind,cal26cd,icb26cd,oa21cd,"
              "lsoa21cd,msoa21cd,ruc21ind,oac21ind,imd25ind").split(",")
# The ONSPD of February 2023: the long-standing lower-case names.
ONSPD_2023 = ("pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,"
              "oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,msoa01,"
              "ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,"
              "calncv,icb,oa21,lsoa21,msoa21").split(",")
# The NSPL of August 2026 (35 columns) and of August 2020 (CCGs and STPs).
NSPL_2026 = ("pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,gridind,oa21cd,cty26cd,ced25cd,lad26cd,wd26cd,"
             "nhser24cd,ctry26cd,rgn26cd,pcon24cd,ttwa15cd,itl25cd,npark16cd,lsoa21cd,msoa21cd,wz11cd,sicbl26cd,"
             "bua24cd,ruc21ind,oac21ind,lat,long,lep21cd1,lep21cd2,pfa23cd,imd25ind,icb26cd").split(",")
NSPL_2020 = ("pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa11,cty,ced,laua,ward,hlthau,nhser,"
             "ctry,rgn,pcon,eer,teclec,ttwa,pct,nuts,park,lsoa11,msoa11,wz11,ccg,bua11,buasd11,ru11ind,oac11,lat,long,"
             "lep1,lep2,pfa,imd,calncv,stp").split(",")
LOOKUP_2026 = ["LSOA21CD", "LSOA21NM", "SICBL26CD", "SICBL26CDH", "SICBL26NM", "ICB26CD", "ICB26CDH", "ICB26NM",
               "NHSER26CD", "NHSER26CDH", "NHSER26NM", "LAD26CD", "LAD26NM", "ObjectId"]

# role -> the column of each header style that holds it
ROLES = {
    "key": ("pcd7", "pcd"), "pcd8": ("pcd8", "pcd2"), "pcds": ("pcds",), "introduced": ("dointr",),
    "terminated": ("doterm",), "lad": ("lad26cd", "oslaua", "laua"), "ward": ("wd26cd", "osward", "ward"),
    "sub_icb": ("sicbl26cd", "sicbl", "ccg"), "icb": ("icb26cd", "icb", "stp"), "region": ("nhser24cd", "nhser"),
    "country": ("ctry26cd", "ctry"), "lsoa21": ("lsoa21cd", "lsoa21"), "lsoa11": ("lsoa11cd", "lsoa11"),
}


def seven(postcode):
    outward, inward = postcode.split()
    return outward.ljust(4) + inward


def postcode_row(kb, pcds, area, terminated="", **more):
    """One row for `directory_csv`: the postcode in the sub-ICB location record `area` (its ICB and region
    from the bundled data), with a fixed local authority, ward and LSOAs unless `more` says otherwise."""
    icb = kb.icbs[area["icb"]]
    return dict({"pcds": pcds, "introduced": "198001", "terminated": terminated, "sub_icb": area["ons_code"],
                 "icb": icb["ons_code"], "region": icb.get("region_ons_code") or "", "lad": "E08000021",
                 "ward": "E05001111", "country": "E92000001", "lsoa21": "E01033333", "lsoa11": "E01008888"}, **more)


def directory_csv(header, postcodes, newline="\r\n"):
    """The text of a directory: one row per {'pcds', 'introduced', 'terminated', 'sub_icb', ...}."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator=newline)
    writer.writerow(header)
    for p in postcodes:
        values = dict(p, key=seven(p["pcds"]), pcd8=p["pcds"].split()[0].ljust(5) + p["pcds"].split()[1])
        row = []
        for column in header:
            role = next((r for r, names in ROLES.items() if column in names), None)
            if column in ("lat", "long"):
                row.append(51.5)
            else:
                row.append(values.get(role, "E99999999") if role else "E99999999")
        writer.writerow(row)
    return out.getvalue()


def lookup_csv(rows, bom=True):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LOOKUP_2026)
    for n, r in enumerate(rows, 1):
        writer.writerow([r["lsoa"], f"Somewhere {n:03d}A", r["sub_icb"], r["sub_icb_ods"], r["sub_icb_name"], r["icb"],
                         r["icb_ods"], r["icb_name"], r["region"], "Y63", "North East and Yorkshire", "E08000021",
                         "Newcastle upon Tyne", n])
    return ("\ufeff" if bom else "") + out.getvalue()


def onspd_zip(path, name, text, areas=()):
    """A zip laid out as the ONS publishes the directory: Data/<name>_UK.csv, Data/multi_csv/ per area,
    Documents/ and User Guide/."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"Data/{name}_UK.csv", text)
        for area, area_text in areas:
            archive.writestr(f"Data/multi_csv/{name}_UK_{area}.csv", area_text)
        archive.writestr("Documents/LA_UA names and codes UK as at 04_26.csv", "LAD26CD,LAD26NM\r\nE08000021,Newcastle\r\n")
        archive.writestr(f"User Guide/{name} User Guide.txt", "guide")
    return path


def many(place, count):
    """`count` distinct postcodes in one place (NE1 1AA, NE1 1AB, ...), for files of many rows."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return [dict(place, pcds=f"NE{1 + n // 3600} {1 + n // 400 % 9}{letters[n // 20 % 20]}{letters[n % 20]}")
            for n in range(count)]
