"""The source records of `data/places/` (publisher, title, date, address) and which reference file each
describes; tools/build_places.py adds each file's SHA-256 (checked against SOURCES.md) and writes them to
`data/places/sources.yaml`. Text only: no code or count here is copied into the data."""

ONS_PORTAL = "Office for National Statistics (Open Geography Portal)"
OGL = "Open Government Licence v3"
GP_PAGE = "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"


JTRIM = {"2015": "212", "2016": "211", "2017": "226", "2018": "216", "2019": "217", "2020": "219"}


def _ccg_lookup(year, month, title, url):
    return {"id": f"ons-lsoa11-ccg-{year}", "file": f"lsoa11_ccg_{year}.csv",
            "title": title, "publisher": ONS_PORTAL, "date": f"{year}-{month}", "kind": "data", "url": url,
            "note": f"Every 2011 LSOA in England with its CCG (ONS and ODS codes and name) and local authority, "
                    f"as at {'31 July' if month == '07' else 'April'} {year}. {OGL}.",
            "maintainer_note": f"Copy in jtrim-ons/ons-lookups @85d0ba6e476badf3861d8dc7485aecf40598d031 "
                               f"(csv/{JTRIM[year]}.csv); part of source ons-lsoa11-ccg-2015-2020."}


DGU = "https://data.gov.uk/dataset/"
SOURCES = [
    {"id": "nhse-gp-prac-map-2022-01", "file": "gp_practice_map_2022-01.csv",
     "title": "Patients Registered at a GP Practice, January 2022: practice mapping file (gp-reg-pat-prac-map.csv)",
     "publisher": "NHS Digital", "date": "2022-01", "kind": "data", "url": GP_PAGE,
     "note": "Every GP practice on 1 January 2022 (extract date) with its primary care network, CCG, STP and NHS "
             "commissioning region, with ODS and ONS codes. The address of the January 2022 file itself is not "
             f"known; the address is the publication series. {OGL}.",
     "maintainer_note": "Copy in nhsx-mirror/SystemHierarchies @0a96ef635c1607736580777f25d903d877ca74f2 "
                        "(data/gp-reg-pat-prac-map.csv); see ../shared/reference/places/SOURCES.md."},
    {"id": "nhse-gp-prac-map-2026-08", "file": "gp_practice_map_2026-08.csv",
     "title": "Patients Registered at a GP Practice, August 2026: practice mapping file (gp-reg-pat-prac-map.csv)",
     "publisher": "NHS England", "date": "2026-08", "kind": "data",
     "url": "https://files.digital.nhs.uk/26/656B2E/gp-reg-pat-prac-map.zip",
     "note": "Every GP practice on 1 August 2026 (extract date) with its primary care network, sub-ICB location, "
             f"ICB and NHS commissioning region, with ODS and ONS codes. Publication page: {GP_PAGE}. {OGL}.",
     "maintainer_note": "Copy in robg-test/icb-map @3677cdc485b30e879057c0e548f6ee2dfc785e17 "
                        "(data/nhs/gp-reg-pat-prac-map.zip). The same file as source nhse-gp-reg-pat-prac-map-2026, "
                        "which the systems data cites for the 2026 codes."},
    {"id": "nhse-gp-reg-patients-2026-08", "file": "registered_patients_2026-08.csv",
     "title": "Patients Registered at a GP Practice, August 2026: patients by single year of age for commissioning "
              "regions, ICBs, sub-ICB locations and PCNs (gp-reg-pat-prac-sing-age-regions.csv)",
     "publisher": "NHS England", "date": "2026-08", "kind": "data",
     "url": "https://files.digital.nhs.uk/14/D21F56/gp-reg-pat-prac-sing-age-regions.zip",
     "note": "Patients registered at GP practices on 1 August 2026, all ages and both sexes, for every primary care "
             "network, sub-ICB location, ICB and commissioning region. It gives no count per practice. "
             f"Publication page: {GP_PAGE}. {OGL}.",
     "maintainer_note": "Copy in robg-test/icb-map @3677cdc (data/nhs/gp-reg-pat-prac-sing-age-regions.zip), "
                        "rows with SEX = ALL and AGE = ALL kept."},
    _ccg_lookup("2015", "07", "Lower Layer Super Output Area (2011) to Clinical Commissioning Group to Local Authority "
                "District (July 2015) Lookup in England",
                DGU + "1bbc6dbb-c437-4240-afc8-fee1aca5c4bc/lower-layer-super-output-area-2011-to-clinical-"
                "commissioning-group-to-local-authority-district-july-2015-lookup-in-england"),
    _ccg_lookup("2016", "04", "Lower Layer Super Output Area (2011) to Clinical Commissioning Group to Local Authority "
                "District (April 2016) Lookup in England",
                DGU + "42870be2-0223-4148-bca1-4c0a985ad01d/lower-layer-super-output-area-2011-to-clinical-"
                "commissioning-group-to-local-authority-district-april-2016-lookup-in-england"),
    _ccg_lookup("2017", "04", "Lower Layer Super Output Area (2011) to Clinical Commissioning Group to Local Authority "
                "District (April 2017) Lookup in England (Version 4)",
                DGU + "d304a541-c315-42af-883f-558b8de9228c/lower-layer-super-output-area-2011-to-clinical-"
                "commissioning-group-to-local-authority-district-april-2017-lookup-in-england-version-4"),
    _ccg_lookup("2018", "04", "Lower Layer Super Output Area (2011) to Clinical Commissioning Group to Local Authority "
                "District (April 2018) Lookup in England",
                DGU + "f043b015-04a7-44d0-8c77-f725c200f058/lower-layer-super-output-area-2011-to-clinical-"
                "commissioning-group-to-local-authority-district-april-2018-lookup-in-england"),
    _ccg_lookup("2019", "04", "Lower Layer Super Output Area (2011) to Clinical Commissioning Group to Local Authority "
                "District (April 2019) Lookup in England",
                DGU + "b26b727a-df7a-4946-b5f0-6a8f474e8319/lower-layer-super-output-area-2011-to-clinical-"
                "commissioning-group-to-local-authority-district-april-2019-lookup-in-england"),
    _ccg_lookup("2020", "04", "Lower Layer Super Output Area (2011) to Clinical Commissioning Group to Local Authority "
                "District (April 2020) Lookup in England",
                DGU + "94cf8e7a-5ade-4c47-8b6f-cae3f90b6ec9/lower-layer-super-output-area-2011-to-clinical-"
                "commissioning-group-to-local-authority-district-april-2020-lookup-in-england"),
    {"id": "ons-lsoa11-ccg-2021", "file": "lsoa11_ccg_2021.csv",
     "title": "LSOA (2011) to Clinical Commissioning Groups to Sustainability and Transformation Partnerships "
              "(April 2021) Lookup in England (LSOA11_CCG21_STP21_LAD21_EN_LU)",
     "publisher": ONS_PORTAL, "date": "2021-04", "kind": "data",
     "url": "https://geoportal.statistics.gov.uk/datasets/ons::lsoa-2011-to-clinical-commissioning-groups-to-"
            "sustainability-and-transformation-partnerships-april-2021-lookup-in-england/explore",
     "note": "Every 2011 LSOA in England with its CCG and STP in April 2021 (ONS codes and names). The copy read has "
             "no ODS codes: each CCG's ODS code is the one the NHS ODS records give for the same ONS code. "
             f"{OGL}.",
     "maintainer_note": "Copy in humaniverse/geographr @34c44fc (data/lookup_lsoa11_ccg21_stp21_ltla21.rda); ODS "
                        "codes from ../shared/reference/history/ccg_history.csv (CCGs open in April 2021)."},
    {"id": "ons-lsoa11-sicbl22-icb22", "file": "lsoa11_sicbl22_icb22_ltla22.csv",
     "title": "LSOA (2011) to Sub ICB Locations to Integrated Care Boards to LAD (July 2022) Lookup in England "
              "(LSOA11_LOC22_ICB22_LAD22_EN_LU)",
     "publisher": ONS_PORTAL, "date": "2022-07", "kind": "data",
     "url": "https://geoportal.statistics.gov.uk/datasets/ons::lsoa-2011-to-sub-icb-locations-to-integrated-care-"
            "boards-july-2022-lookup-in-england/explore",
     "note": "Every 2011 LSOA in England with its sub-ICB location, ICB and local authority district as at 1 July "
             f"2022, with ONS and ODS codes. {OGL}.",
     "maintainer_note": "Copy in humaniverse/geographr @ae07d1e (data/lookup_lsoa11_sicbl22_icb22_ltla22.rda); "
                        "identical codes in NHS Digital's copy (NDOP-publication)."},
    {"id": "ons-lsoa21-sicbl24-icb24", "file": "lsoa21_sicbl24_icb24.csv",
     "title": "LSOA (2021) to SICBL to ICB to Cancer Alliances to LAD (April 2024) Lookup in EN "
              "(LSOA21_SICBL24_ICB24_CAL24_LAD24_EN_LU)",
     "publisher": ONS_PORTAL, "date": "2024-04", "kind": "data",
     "url": "https://geoportal.statistics.gov.uk/datasets/ons::lsoa-2021-to-sicbl-to-icb-to-cancer-alliances-to-"
            "lad-april-2024-lookup-in-en/about",
     "note": "Every 2021 LSOA in England with its sub-ICB location and ICB in April 2024, with ONS and ODS codes. It "
             f"is the latest official LSOA lookup in the data. {OGL}.",
     "maintainer_note": "Copy in humaniverse/geographr @8fa83ff (data/lookup_lsoa21_icb24.rda); the same file as "
                        "source later-g24."},
    {"id": "ons-lsoa11-lsoa21-lad22", "file": "lsoa11_lsoa21_ltla22.csv",
     "title": "LSOA (2011) to LSOA (2021) to Local Authority District (2022) Lookup for England and Wales (Version 2)",
     "publisher": ONS_PORTAL, "date": "2022", "kind": "data",
     "url": "https://geoportal.statistics.gov.uk/datasets/lsoa-2011-to-lsoa-2021-to-local-authority-district-"
            "2022-lookup-for-england-and-wales-version-2/about",
     "note": "The best-fit link between 2011 and 2021 LSOAs, with a change indicator (unchanged, split, merged or "
             f"complex) and the 2022 local authority district. {OGL}.",
     "maintainer_note": "Copy in humaniverse/geographr @0470ab9 (data/lookup_lsoa11_lsoa21_ltla22.rda)."},
    {"id": "ons-lsoa11-population-mid2020", "file": "lsoa11_population_mid2020.csv",
     "title": "Lower layer Super Output Area population estimates, mid-2020 (SAPE23DT2)",
     "publisher": "Office for National Statistics", "date": "2021", "kind": "data",
     "url": "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/"
            "datasets/lowersuperoutputareamidyearpopulationestimates",
     "note": f"Mid-2020 population estimates (all ages) for every 2011 LSOA in England and Wales. {OGL}.",
     "maintainer_note": "Copy in humaniverse/demographr @c6210a3 (data/population20_lsoa11.rda); the same table "
                        "as source ons-sape23dt2-mid2020."},
    {"id": "ons-census21-ts021-lsoa21", "file": "lsoa21_population_census2021.csv",
     "title": "Census 2021, table TS021 (Ethnic group), LSOA level: all usual residents",
     "publisher": "Office for National Statistics (Nomis)", "date": "2022-11-29", "kind": "data",
     "url": "https://www.nomisweb.co.uk/output/census/2021/census2021-ts021.zip",
     "note": "Usual residents on Census day, 21 March 2021, for every 2021 LSOA in England and Wales: a census "
             f"count, not a mid-year estimate. {OGL}.",
     "maintainer_note": "Copy in humaniverse/demographr @f842110 (data/ethnicity21_lsoa21.rda), column "
                        "'Total: All usual residents'."},
    {"id": "ods-etr-trusts", "file": "ods_etr.csv",
     "title": "NHS Trusts (etr) file", "publisher": "NHS England, Organisation Data Service", "date": "2025",
     "kind": "data", "url": "https://files.digital.nhs.uk/assets/ods/current/etr.zip",
     "note": "NHS trusts, open and closed, with open and close dates, NHS region and the ICB each is recorded in. "
             "The extract does not state its date; its latest dates are in December 2024, so its ICB codes are "
             f"those before the April 2026 mergers. {OGL}.",
     "maintainer_note": "Copy in jhau/nhs-spend @e602ea9 (data/etr.csv), committed 2025-12-29; header added from "
                        "the ODS field specification."},
    {"id": "ods-succ-succarc-2022", "file": "trust_successions.csv",
     "title": "Successor Organisations (succ) and Archived Successor Organisations (succarc) files",
     "publisher": "NHS England, Organisation Data Service", "date": "2022-09", "kind": "data",
     "url": "https://digital.nhs.uk/services/organisation-data-service/file-downloads/miscellaneous",
     "note": "Which organisation code succeeded which, with the date, from 1992 to April 2022, as downloaded on "
             f"26 September 2022. Later successions are not in it. {OGL}.",
     "maintainer_note": "Combined by humaniverse/geographr @52c974a (data/lookup_trust_trust.rda); only the trust "
                        "codes and their chains are kept in data/places."},
    {"id": "geographr-trust-icb22-catchment", "file": "trust_icb22_catchment_shares.csv",
     "title": "Share of each acute trust's catchment population by ICB (July 2022), from OHID's NHS Acute "
              "(Hospital) Trust Catchment Populations",
     "publisher": "British Red Cross (geographr R package), from OHID data", "date": "2022-10", "kind": "data",
     "url": "https://github.com/humaniverse/geographr",
     "note": "Not an official table: built by a third party (the geographr package) by adding OHID's trust "
             "catchment populations for small areas (MSOAs) up to the July 2022 ICBs, splitting the few MSOAs "
             "that straddle two ICBs half and half, and adding up every catchment year in OHID's file. An "
             "approximate weight only. OHID's data is Crown copyright; the licence of the derived table is not "
             "stated.",
     "maintainer_note": "humaniverse/geographr @64ee0bb (data/lookup_nhs_trusts22_icb22.rda); OHID file dated "
                        "18.10.2022."},
]
