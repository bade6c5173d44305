# ruff: noqa: RUF001 - Russian texts are Cyrillic on purpose, not look-alike Latin letters.
"""Content of the demo venue seeded by `manage.py seed_demo`: English base texts with Russian translations.

Layout: two floors, each a 60 x 30 m plan of five 20 x 15 m halls. Doors sit on shared walls (the
same plan coordinates on both sides). The floors are joined by the grand staircase (entrance hall to
portrait gallery, not step-free) and by a lift at the far end (maritime hall to photography), so a
step-free route upstairs walks through the ground floor to the lift.
"""

from typing import NamedTuple


class DemoHall(NamedTuple):
    slug: str
    floor: int
    origin: tuple[float, float]  # top-left corner on the floor plan, metres
    name: str
    description: str
    name_ru: str
    description_ru: str


class DemoPassage(NamedTuple):
    hall_a: str
    hall_b: str
    kind: str
    door_a: tuple[float, float]
    door_b: tuple[float, float]
    walking_seconds: int
    is_step_free: bool


class DemoExhibit(NamedTuple):
    hall: str
    slug: str
    title: str
    creator: str
    period: str
    description: str
    title_ru: str
    creator_ru: str
    period_ru: str
    description_ru: str
    tags: tuple[str, ...]
    emotions: dict[str, float]
    dwell_minutes: int


HALL_SIZE_M = (20.0, 15.0)

VENUE = {
    "slug": "riverside-museum",
    "name": "Riverside Museum of Art and History",
    "city": "Nizhny Novgorod",
    "address": "1 Embankment Street",
    "time_zone": "Europe/Moscow",
    "default_language": "en",
    "description": "Art, history and natural history under one roof on the river embankment, founded by the "
    "city's merchants in 1896.",
    "translations": {
        "ru": {
            "name": "Приречный музей искусства и истории",
            "description": "Искусство, история и природа под одной крышей на набережной; музей основан "
            "городским купечеством в 1896 году.",
        }
    },
}

TAGS = {
    "antiquity": "Antiquity",
    "archaeology": "Archaeology",
    "architecture": "Architecture",
    "ceramics": "Ceramics",
    "decorative": "Decorative arts",
    "design": "Design",
    "fossils": "Fossils",
    "history": "History",
    "icons": "Icons",
    "installation": "Installation",
    "jewellery": "Jewellery",
    "landscape": "Landscape",
    "maritime": "Maritime",
    "mechanics": "Mechanisms",
    "medieval": "Middle Ages",
    "modern": "Modern art",
    "nature": "Nature",
    "painting": "Painting",
    "photography": "Photography",
    "portrait": "Portrait",
    "science": "Science",
    "sculpture": "Sculpture",
    "space": "Space",
    "textiles": "Textiles",
    "arms": "Arms and armour",
    "writing": "Writing",
}

HALLS = [
    DemoHall(
        "entrance-hall",
        0,
        (0, 0),
        "Entrance Hall",
        "The merchants' foyer with the museum's founding story.",
        "Вестибюль",
        "Купеческий вестибюль и история основания музея.",
    ),
    DemoHall(
        "antiquities",
        0,
        (20, 0),
        "Antiquities",
        "Greece, Rome, Egypt and the steppe peoples.",
        "Античность",
        "Греция, Рим, Египет и народы степи.",
    ),
    DemoHall(
        "natural-history",
        0,
        (40, 0),
        "Natural History",
        "Ice-age giants, forests and a visitor from space.",
        "Естественная история",
        "Гиганты ледникового периода, леса и гость из космоса.",
    ),
    DemoHall(
        "maritime",
        0,
        (40, 15),
        "Maritime Hall",
        "Ships, sailors and the river port.",
        "Морской зал",
        "Корабли, моряки и речной порт.",
    ),
    DemoHall(
        "medieval-art",
        0,
        (20, 15),
        "Medieval Art",
        "Icons, letters and arms of medieval Rus.",
        "Древнерусское искусство",
        "Иконы, грамоты и оружие Древней Руси.",
    ),
    DemoHall(
        "portrait-gallery",
        1,
        (0, 0),
        "Portrait Gallery",
        "Faces of the 19th and early 20th centuries.",
        "Портретная галерея",
        "Лица XIX и начала XX века.",
    ),
    DemoHall(
        "landscape-gallery",
        1,
        (20, 0),
        "Landscape Gallery",
        "Rivers, steppes and storms in oil.",
        "Пейзажная галерея",
        "Реки, степи и грозы маслом на холсте.",
    ),
    DemoHall(
        "modern-art",
        1,
        (40, 0),
        "Modern Art",
        "From the avant-garde to the present day.",
        "Современное искусство",
        "От авангарда до наших дней.",
    ),
    DemoHall(
        "photography",
        1,
        (40, 15),
        "Photography",
        "A century of the city through the lens.",
        "Фотография",
        "Век города в объективе.",
    ),
    DemoHall(
        "decorative-arts",
        1,
        (20, 15),
        "Decorative Arts",
        "Stone, porcelain, embroidery and clockwork.",
        "Декоративно-прикладное искусство",
        "Камень, фарфор, вышивка и заводные механизмы.",
    ),
]

PASSAGES = [
    # Ground floor: a ring Entrance - Antiquities - Natural History - Maritime - Medieval - Antiquities.
    DemoPassage("entrance-hall", "antiquities", "door", (20, 7.5), (20, 7.5), 3, True),
    DemoPassage("antiquities", "natural-history", "door", (40, 7.5), (40, 7.5), 3, True),
    DemoPassage("natural-history", "maritime", "door", (50, 15), (50, 15), 3, True),
    DemoPassage("maritime", "medieval-art", "door", (40, 22.5), (40, 22.5), 3, True),
    DemoPassage("antiquities", "medieval-art", "door", (30, 15), (30, 15), 3, True),
    # First floor: the same ring one storey up.
    DemoPassage("portrait-gallery", "landscape-gallery", "door", (20, 7.5), (20, 7.5), 3, True),
    DemoPassage("landscape-gallery", "modern-art", "door", (40, 7.5), (40, 7.5), 3, True),
    DemoPassage("modern-art", "photography", "door", (50, 15), (50, 15), 3, True),
    DemoPassage("photography", "decorative-arts", "door", (40, 22.5), (40, 22.5), 3, True),
    DemoPassage("landscape-gallery", "decorative-arts", "door", (30, 15), (30, 15), 3, True),
    # Between floors: the grand staircase by the entrance, and the lift (with its wait) at the far end.
    DemoPassage("entrance-hall", "portrait-gallery", "stairs", (2, 2), (2, 2), 45, False),
    DemoPassage("maritime", "photography", "lift", (57, 28), (57, 28), 60, True),
]


def _exhibit(
    hall: str,
    slug: str,
    en: tuple[str, str, str, str],
    ru: tuple[str, str, str, str],
    tags: str,
    emotions: dict[str, float],
    dwell: int = 3,
) -> DemoExhibit:
    return DemoExhibit(hall, slug, *en, *ru, tuple(tags.split()), emotions, dwell)


EXHIBITS = [
    # Entrance Hall
    _exhibit(
        "entrance-hall",
        "foundation-stone",
        (
            "Foundation Stone of the Museum",
            "City Builders' Guild",
            "1896",
            "The granite block laid by the city's merchants when the museum was founded; the bronze capsule inside "
            "holds a newspaper of that day.",
        ),
        (
            "Закладной камень музея",
            "Городская гильдия строителей",
            "1896",
            "Гранитный блок, заложенный городским купечеством при основании музея; в бронзовой капсуле внутри — "
            "газета того дня.",
        ),
        "history architecture",
        {"neutral": 0.5, "surprise": 0.3, "happy": 0.2},
        2,
    ),
    _exhibit(
        "entrance-hall",
        "old-river-port-model",
        (
            "Model of the Old River Port",
            "Workshop of Pavel Reutov",
            "1910s",
            "A 1:200 model of the port as it looked before the great flood of 1926, with over three hundred "
            "hand-carved barges.",
        ),
        (
            "Макет старого речного порта",
            "Мастерская Павла Реутова",
            "1910-е",
            "Макет порта в масштабе 1:200 — каким он был до большого наводнения 1926 года; более трёхсот "
            "вырезанных вручную барж.",
        ),
        "maritime history",
        {"surprise": 0.5, "happy": 0.3, "neutral": 0.2},
        5,
    ),
    _exhibit(
        "entrance-hall",
        "merchant-exchange-clock",
        (
            "Great Clock of the Merchant Exchange",
            "Karl Lindqvist, clockmaker",
            "1872",
            "The clock that timed every deal on the exchange for sixty years; it still strikes the hour, loud "
            "enough to startle visitors.",
        ),
        (
            "Большие часы Купеческой биржи",
            "Часовщик Карл Линдквист",
            "1872",
            "Часы, по которым шестьдесят лет заключались сделки на бирже; они до сих пор бьют каждый час — так "
            "громко, что посетители вздрагивают.",
        ),
        "history mechanics",
        {"surprise": 0.5, "neutral": 0.4, "fear": 0.1},
        3,
    ),
    _exhibit(
        "entrance-hall",
        "founders-group-portrait",
        (
            "Founders' Group Portrait",
            "Ilya Samsonov",
            "1899",
            "Twelve patrons of the museum painted around a table of plans; look for the cat the painter slipped "
            "in under the chair.",
        ),
        (
            "Групповой портрет основателей",
            "Илья Самсонов",
            "1899",
            "Двенадцать попечителей музея вокруг стола с чертежами; найдите кошку, которую художник спрятал под "
            "креслом.",
        ),
        "painting portrait",
        {"happy": 0.6, "neutral": 0.4},
        4,
    ),
    # Antiquities
    _exhibit(
        "antiquities",
        "amphora-heracles",
        (
            "Black-Figure Amphora with Heracles",
            "Attic workshop",
            "c. 530 BC",
            "Heracles wrestles the Nemean lion on one side; on the other, two youths race horses. Jars like this "
            "held the olive oil given as a prize.",
        ),
        (
            "Чернофигурная амфора с Гераклом",
            "Аттическая мастерская",
            "около 530 г. до н. э.",
            "На одной стороне Геракл борется с немейским львом, на другой — юноши на скачках. В таких сосудах "
            "вручали масло победителям состязаний.",
        ),
        "antiquity ceramics",
        {"surprise": 0.4, "happy": 0.3, "neutral": 0.3},
        3,
    ),
    _exhibit(
        "antiquities",
        "fayum-portrait",
        (
            "Funerary Portrait of a Young Woman",
            "Fayum region, Roman Egypt",
            "2nd century AD",
            "Painted in hot wax on a wooden panel and laid over the face of a mummy, this portrait looks "
            "strikingly modern.",
        ),
        (
            "Погребальный портрет молодой женщины",
            "Область Фаюм, римский Египет",
            "II век н. э.",
            "Портрет, написанный восковыми красками на деревянной доске и вложенный в пелены мумии, выглядит "
            "поразительно современным.",
        ),
        "antiquity portrait",
        {"sad": 0.5, "surprise": 0.3, "neutral": 0.2},
        4,
    ),
    _exhibit(
        "antiquities",
        "scythian-gold-comb",
        (
            "Scythian Gold Comb",
            "Scythian goldsmiths",
            "4th century BC",
            "Warriors locked in battle crown this small golden comb; every figure is less than four centimetres tall.",
        ),
        (
            "Скифский золотой гребень",
            "Скифские ювелиры",
            "IV век до н. э.",
            "Гребень венчает сцена битвы воинов; каждая фигура меньше четырёх сантиметров.",
        ),
        "antiquity jewellery",
        {"surprise": 0.6, "fear": 0.2, "neutral": 0.2},
        3,
    ),
    _exhibit(
        "antiquities",
        "philosopher-head",
        (
            "Marble Head of a Philosopher",
            "Roman copy after a Greek original",
            "1st century AD",
            "The broken nose and weathered beard only sharpen the stern gaze of this unnamed thinker.",
        ),
        (
            "Мраморная голова философа",
            "Римская копия с греческого оригинала",
            "I век н. э.",
            "Отбитый нос и выветренная борода лишь усиливают суровый взгляд этого безымянного мыслителя.",
        ),
        "antiquity sculpture",
        {"neutral": 0.6, "sad": 0.2, "surprise": 0.2},
        2,
    ),
    _exhibit(
        "antiquities",
        "lake-svetloye-hoard",
        (
            "Bronze Age Hoard from Lake Svetloye",
            "Unknown makers",
            "c. 1200 BC",
            "Forty axes, sickles and bracelets found by fishermen in 1958; whoever buried them never came back.",
        ),
        (
            "Клад бронзового века с озера Светлое",
            "Неизвестные мастера",
            "около 1200 г. до н. э.",
            "Сорок топоров, серпов и браслетов нашли рыбаки в 1958 году; тот, кто их закопал, так и не вернулся.",
        ),
        "archaeology antiquity",
        {"surprise": 0.4, "sad": 0.3, "neutral": 0.3},
        3,
    ),
    # Natural History
    _exhibit(
        "natural-history",
        "oka-mammoth",
        (
            "Mammoth Skeleton from the Oka Bank",
            "Museum expedition of 1911",
            "Late Pleistocene, c. 40,000 years ago",
            "A nearly complete skeleton of a young woolly mammoth, found when the river washed away its bank.",
        ),
        (
            "Скелет мамонта с берега Оки",
            "Музейная экспедиция 1911 года",
            "поздний плейстоцен, около 40 000 лет назад",
            "Почти полный скелет молодого шерстистого мамонта, обнаруженный, когда река подмыла берег.",
        ),
        "nature fossils",
        {"surprise": 0.6, "happy": 0.2, "fear": 0.2},
        5,
    ),
    _exhibit(
        "natural-history",
        "cave-bear-skull",
        (
            "Cave Bear Skull",
            "Found in a Ural cave",
            "c. 30,000 years ago",
            "Larger than the skull of any bear alive today; the worn teeth tell of a long life.",
        ),
        (
            "Череп пещерного медведя",
            "Найден в уральской пещере",
            "около 30 000 лет назад",
            "Он крупнее черепа любого ныне живущего медведя; стёртые зубы говорят о долгой жизни.",
        ),
        "nature fossils",
        {"fear": 0.5, "surprise": 0.4, "neutral": 0.1},
        2,
    ),
    _exhibit(
        "natural-history",
        "winter-forest-diorama",
        (
            "Diorama: Winter Forest at Dusk",
            "Taxidermist Olga Berg",
            "1958",
            "Wolves circle a clearing as snow falls; the painted background blends in so well that the forest "
            "seems to go on forever.",
        ),
        (
            "Диорама «Зимний лес в сумерках»",
            "Таксидермист Ольга Берг",
            "1958",
            "Волки кружат у поляны под падающим снегом; расписной фон так сливается с чучелами, что лес кажется "
            "бесконечным.",
        ),
        "nature",
        {"fear": 0.4, "surprise": 0.3, "neutral": 0.3},
        4,
    ),
    _exhibit(
        "natural-history",
        "butterfly-cabinet",
        (
            "Cabinet of Butterflies",
            "Collection of Dr Nikolai Kremer",
            "1890–1915",
            "Eight hundred butterflies from four continents, pinned by a country doctor who collected on every "
            "holiday.",
        ),
        (
            "Шкаф с бабочками",
            "Коллекция доктора Николая Кремера",
            "1890–1915",
            "Восемьсот бабочек с четырёх континентов, собранных земским врачом во время каждого отпуска.",
        ),
        "nature science",
        {"happy": 0.6, "surprise": 0.3, "neutral": 0.1},
        4,
    ),
    _exhibit(
        "natural-history",
        "sikhote-alin-meteorite",
        (
            "Fragment of the Sikhote-Alin Meteorite",
            "Fell in the Far East on 12 February 1947",
            "4.5 billion years old",
            "A 27-kilogram piece of the iron shower that fell over the Sikhote-Alin mountains. You may touch it.",
        ),
        (
            "Осколок метеорита Сихотэ-Алинь",
            "Упал на Дальнем Востоке 12 февраля 1947 года",
            "возраст 4,5 млрд лет",
            "Осколок железного метеоритного дождя весом 27 килограммов, выпавшего в горах Сихотэ-Алинь. Его "
            "можно потрогать.",
        ),
        "nature space science",
        {"surprise": 0.7, "happy": 0.2, "neutral": 0.1},
        2,
    ),
    # Maritime Hall
    _exhibit(
        "maritime",
        "nadezhda-figurehead",
        (
            "Figurehead of the Brig Nadezhda",
            "Unknown ship carver",
            "1830s",
            "A carved maiden who led a merchant brig through forty years of Baltic storms; the cracks were left "
            "as the sea made them.",
        ),
        (
            "Носовая фигура брига «Надежда»",
            "Неизвестный корабельный резчик",
            "1830-е",
            "Резная дева, сорок лет ведшая торговый бриг сквозь балтийские штормы; трещины оставлены такими, "
            "какими их сделало море.",
        ),
        "maritime sculpture",
        {"surprise": 0.4, "sad": 0.3, "neutral": 0.3},
        3,
    ),
    _exhibit(
        "maritime",
        "ship-in-a-storm",
        (
            "Ship in a Storm",
            "Fyodor Lavrov",
            "1851",
            "Sailors cling to the rigging as a wave rises higher than the mast.",
        ),
        ("Корабль в бурю", "Фёдор Лавров", "1851", "Моряки цепляются за снасти, а волна поднимается выше мачты."),
        "maritime painting",
        {"fear": 0.6, "surprise": 0.3, "sad": 0.1},
        3,
    ),
    _exhibit(
        "maritime",
        "diving-helmet",
        (
            "Salvage Diver's Helmet",
            "Port salvage service workshop",
            "1912",
            "The brass helmet of a river-port salvage diver; out of the water it weighs eighteen kilograms.",
        ),
        (
            "Шлем водолаза",
            "Мастерская портовой спасательной службы",
            "1912",
            "Латунный шлем водолаза спасательной службы речного порта; вне воды он весит восемнадцать килограммов.",
        ),
        "maritime mechanics",
        {"surprise": 0.4, "fear": 0.3, "neutral": 0.3},
        2,
    ),
    _exhibit(
        "maritime",
        "mariners-astrolabe",
        (
            "Mariner's Astrolabe",
            "Portuguese instrument maker",
            "c. 1600",
            "Sailors measured the height of the sun with this bronze ring to find their latitude far from any coast.",
        ),
        (
            "Морская астролябия",
            "Португальский мастер инструментов",
            "около 1600 г.",
            "По высоте солнца, измеренной этим бронзовым кольцом, мореплаватели находили широту вдали от берегов.",
        ),
        "maritime science",
        {"neutral": 0.5, "surprise": 0.4, "happy": 0.1},
        3,
    ),
    _exhibit(
        "maritime",
        "message-in-a-bottle",
        (
            "Message in a Bottle",
            "Cabin boy Timofey Ageev",
            "1903",
            "A letter to his mother, thrown overboard in the White Sea and found on a Norwegian beach 34 years later.",
        ),
        (
            "Письмо в бутылке",
            "Юнга Тимофей Агеев",
            "1903",
            "Письмо матери, брошенное за борт в Белом море и найденное на норвежском берегу через 34 года.",
        ),
        "maritime history writing",
        {"sad": 0.6, "surprise": 0.3, "happy": 0.1},
        3,
    ),
    # Medieval Art
    _exhibit(
        "medieval-art",
        "saint-george-icon",
        (
            "Icon of Saint George and the Dragon",
            "Novgorod school",
            "late 15th century",
            "The red background and the white horse were meant to be seen from the far end of a dark church.",
        ),
        (
            "Икона «Чудо Георгия о змие»",
            "Новгородская школа",
            "конец XV века",
            "Красный фон и белый конь рассчитаны на то, чтобы их было видно из дальнего конца тёмного храма.",
        ),
        "icons medieval",
        {"neutral": 0.4, "surprise": 0.3, "happy": 0.3},
        4,
    ),
    _exhibit(
        "medieval-art",
        "virgin-of-tenderness",
        (
            "Virgin of Tenderness",
            "Moscow workshop",
            "16th century",
            "Mother and child press their cheeks together; the gold around them has worn thin from centuries of "
            "candle smoke and kisses.",
        ),
        (
            "Богоматерь Умиление",
            "Московская мастерская",
            "XVI век",
            "Мать и младенец прижались щеками друг к другу; золото вокруг стёрлось от веков свечной копоти и поцелуев.",
        ),
        "icons medieval",
        {"sad": 0.4, "happy": 0.3, "neutral": 0.3},
        4,
    ),
    _exhibit(
        "medieval-art",
        "birch-bark-letter",
        (
            "Birch-Bark Letter",
            "A Novgorod merchant",
            "14th century",
            "A note scratched on birch bark: 'Send the cloth, and do not forget the boots.' Ordinary people wrote "
            "to each other seven centuries ago.",
        ),
        (
            "Берестяная грамота",
            "Новгородский купец",
            "XIV век",
            "Записка, процарапанная на бересте: «Пришли сукно, да не забудь сапоги». Семь веков назад обычные "
            "люди писали друг другу.",
        ),
        "medieval writing history",
        {"happy": 0.5, "surprise": 0.4, "neutral": 0.1},
        3,
    ),
    _exhibit(
        "medieval-art",
        "processional-cross",
        (
            "Processional Cross",
            "Pskov metalworkers",
            "15th century",
            "Carried at the head of church processions, this silver-gilt cross shows the Crucifixion on one "
            "side and saints on the other.",
        ),
        (
            "Выносной крест",
            "Псковские мастера по металлу",
            "XV век",
            "Этот серебряный золочёный крест несли во главе крестных ходов; на одной стороне — Распятие, на "
            "другой — святые.",
        ),
        "medieval",
        {"neutral": 0.5, "sad": 0.3, "surprise": 0.2},
        2,
    ),
    _exhibit(
        "medieval-art",
        "chain-mail-shirt",
        (
            "Chain Mail Shirt",
            "Unknown armourer",
            "13th century",
            "Twenty thousand riveted rings; it was found in a field near the town, still folded as its owner left it.",
        ),
        (
            "Кольчуга",
            "Неизвестный оружейник",
            "XIII век",
            "Двадцать тысяч клёпаных колец; её нашли в поле под городом всё ещё сложенной так, как оставил владелец.",
        ),
        "medieval arms",
        {"fear": 0.4, "surprise": 0.4, "sad": 0.2},
        2,
    ),
    # Portrait Gallery
    _exhibit(
        "portrait-gallery",
        "artists-daughter",
        (
            "Portrait of the Artist's Daughter",
            "Anna Voronova",
            "1898",
            "Painted in one summer afternoon; the girl would not sit still, so the artist let her hold the family cat.",
        ),
        (
            "Портрет дочери художницы",
            "Анна Воронова",
            "1898",
            "Написан за один летний день: девочка не могла усидеть на месте, и художница разрешила ей держать "
            "семейную кошку.",
        ),
        "painting portrait",
        {"happy": 0.7, "neutral": 0.3},
        3,
    ),
    _exhibit(
        "portrait-gallery",
        "merchant-counting-coins",
        (
            "Old Merchant Counting Coins",
            "Grigory Shubin",
            "1876",
            "Candlelight, a ledger and a heap of copper; the painter spent a year as this merchant's clerk.",
        ),
        (
            "Старый купец, считающий деньги",
            "Григорий Шубин",
            "1876",
            "Свеча, конторская книга и горка меди; художник год прослужил приказчиком у этого купца.",
        ),
        "painting portrait",
        {"neutral": 0.4, "disgust": 0.3, "sad": 0.3},
        3,
    ),
    _exhibit(
        "portrait-gallery",
        "widow-at-the-window",
        (
            "Widow at the Window",
            "Vera Kolosova",
            "1905",
            "Grief without a single tear: a woman in black watches the empty street down which the regiment "
            "marched away.",
        ),
        (
            "Вдова у окна",
            "Вера Колосова",
            "1905",
            "Горе без единой слезы: женщина в чёрном смотрит на опустевшую улицу, по которой ушёл полк.",
        ),
        "painting portrait",
        {"sad": 0.8, "neutral": 0.2},
        4,
    ),
    _exhibit(
        "portrait-gallery",
        "self-portrait-grimace",
        (
            "Self-Portrait with a Grimace",
            "Lev Arkhipov",
            "1912",
            "The young painter pulled faces in a mirror for a month and kept only the most absurd one.",
        ),
        (
            "Автопортрет с гримасой",
            "Лев Архипов",
            "1912",
            "Молодой художник месяц строил рожи перед зеркалом и оставил самую нелепую.",
        ),
        "painting portrait",
        {"happy": 0.5, "surprise": 0.3, "disgust": 0.2},
        2,
    ),
    _exhibit(
        "portrait-gallery",
        "general-orlovsky",
        (
            "Portrait of General Orlovsky",
            "Johann Meyer, court painter",
            "1814",
            "Painted after the campaign of 1812: the uniform shines, but the general's eyes are tired.",
        ),
        (
            "Портрет генерала Орловского",
            "Придворный живописец Иоганн Мейер",
            "1814",
            "Написан после кампании 1812 года: мундир сияет, а глаза генерала усталые.",
        ),
        "painting portrait history",
        {"neutral": 0.5, "sad": 0.3, "angry": 0.2},
        3,
    ),
    # Landscape Gallery
    _exhibit(
        "landscape-gallery",
        "spring-flood-volga",
        (
            "Spring Flood on the Volga",
            "Ivan Seleznev",
            "1884",
            "Brown meltwater spreads to the horizon and birches stand knee-deep in it; the whole canvas smells of "
            "April.",
        ),
        (
            "Весенний разлив на Волге",
            "Иван Селезнёв",
            "1884",
            "Бурая талая вода разлилась до горизонта, берёзы стоят в ней по колено; весь холст пахнет апрелем.",
        ),
        "painting landscape",
        {"happy": 0.6, "neutral": 0.3, "surprise": 0.1},
        3,
    ),
    _exhibit(
        "landscape-gallery",
        "moonlit-steppe",
        (
            "Moonlit Night in the Steppe",
            "Arkady Dolgov",
            "1880",
            "The moon seems lit from behind the canvas; early viewers looked behind the painting for a lamp.",
        ),
        (
            "Лунная ночь в степи",
            "Аркадий Долгов",
            "1880",
            "Луна будто светится изнутри холста; первые зрители заглядывали за картину в поисках лампы.",
        ),
        "painting landscape",
        {"surprise": 0.6, "happy": 0.2, "neutral": 0.2},
        4,
    ),
    _exhibit(
        "landscape-gallery",
        "burnt-forest",
        (
            "Burnt Forest",
            "Marina Lebedeva",
            "1921",
            "Black trunks against a pink sky after a forest fire; the first green shoots break through in the "
            "foreground.",
        ),
        (
            "Горелый лес",
            "Марина Лебедева",
            "1921",
            "Чёрные стволы на розовом небе после пожара; на переднем плане пробиваются первые зелёные побеги.",
        ),
        "painting landscape nature",
        {"sad": 0.5, "neutral": 0.3, "fear": 0.2},
        3,
    ),
    _exhibit(
        "landscape-gallery",
        "thunderstorm-approaching",
        (
            "Thunderstorm Approaching",
            "Nikolai Vetrov",
            "1893",
            "A hay cart races the storm home; the sky takes up three quarters of the canvas.",
        ),
        (
            "Приближение грозы",
            "Николай Ветров",
            "1893",
            "Телега с сеном спешит уйти от грозы; небо занимает три четверти холста.",
        ),
        "painting landscape",
        {"fear": 0.5, "surprise": 0.4, "neutral": 0.1},
        3,
    ),
    _exhibit(
        "landscape-gallery",
        "quiet-courtyard",
        (
            "Quiet Courtyard",
            "Sofia Anikeeva",
            "1910",
            "Washing on a line, a sleeping dog, a sunlit wall: the whole painting is a held breath.",
        ),
        (
            "Тихий дворик",
            "Софья Аникеева",
            "1910",
            "Бельё на верёвке, спящая собака, освещённая солнцем стена — вся картина словно затаённое дыхание.",
        ),
        "painting landscape",
        {"neutral": 0.6, "happy": 0.4},
        2,
    ),
    # Modern Art
    _exhibit(
        "modern-art",
        "red-wedge-composition",
        (
            "Composition No. 7: Red Wedge",
            "Yuri Gorbach",
            "1920",
            "Sharp red wedges drive into a white circle: a revolutionary poster that became a painting.",
        ),
        (
            "Композиция № 7. Красный клин",
            "Юрий Горбач",
            "1920",
            "Острые красные клинья врезаются в белый круг — революционный плакат, ставший картиной.",
        ),
        "modern painting",
        {"angry": 0.4, "surprise": 0.4, "neutral": 0.2},
        3,
    ),
    _exhibit(
        "modern-art",
        "factory-siren",
        (
            "The Cry of the Factory Siren",
            "Boris Telegin",
            "1929",
            "Workers' faces dissolve into the siren's sound waves in this unsettling canvas.",
        ),
        (
            "Крик фабричного гудка",
            "Борис Телегин",
            "1929",
            "На этом тревожном полотне лица рабочих растворяются в звуковых волнах гудка.",
        ),
        "modern painting",
        {"fear": 0.5, "angry": 0.3, "surprise": 0.2},
        3,
    ),
    _exhibit(
        "modern-art",
        "inflatable-chair",
        (
            "Inflatable Chair",
            "Design collective Orbita",
            "1968",
            "A chair of bright orange plastic you blow up like a balloon; visitors, alas, may not sit in it.",
        ),
        (
            "Надувное кресло",
            "Дизайн-коллектив «Орбита»",
            "1968",
            "Кресло из ярко-оранжевого пластика, которое надувают, как воздушный шар; сидеть в нём, увы, нельзя.",
        ),
        "modern design",
        {"happy": 0.6, "surprise": 0.3, "neutral": 0.1},
        2,
    ),
    _exhibit(
        "modern-art",
        "kitchen-leftovers",
        (
            "Installation: Kitchen Leftovers",
            "Artem Zorin",
            "1994",
            "Real leftovers sealed in resin, the artist's comment on a decade of shortages. Visitors either love "
            "it or leave the room.",
        ),
        (
            "Инсталляция «Кухонные объедки»",
            "Артём Зорин",
            "1994",
            "Настоящие объедки, залитые смолой, — высказывание художника о десятилетии дефицита. Зрители либо "
            "в восторге, либо уходят из зала.",
        ),
        "modern installation",
        {"disgust": 0.6, "surprise": 0.2, "angry": 0.2},
        3,
    ),
    _exhibit(
        "modern-art",
        "blue-silence",
        (
            "Blue Silence",
            "Irina Sokolova",
            "2003",
            "A single square of blue, three metres wide. Sit on the bench and watch the colour change as your "
            "eyes adjust.",
        ),
        (
            "Синяя тишина",
            "Ирина Соколова",
            "2003",
            "Единственный синий квадрат шириной три метра. Сядьте на скамью и смотрите, как меняется цвет, пока "
            "привыкают глаза.",
        ),
        "modern painting",
        {"neutral": 0.6, "sad": 0.2, "surprise": 0.2},
        5,
    ),
    # Photography
    _exhibit(
        "photography",
        "ice-drift-1935",
        (
            "Ice Drift, 1935",
            "Mark Ostrovsky",
            "1935",
            "Boys leap from floe to floe on the spring river, a game their parents remembered with horror.",
        ),
        (
            "Ледоход, 1935",
            "Марк Островский",
            "1935",
            "Мальчишки прыгают с льдины на льдину на весенней реке — игра, которую их родители вспоминали с ужасом.",
        ),
        "photography history",
        {"fear": 0.4, "happy": 0.4, "surprise": 0.2},
        2,
    ),
    _exhibit(
        "photography",
        "communal-flat-wedding",
        (
            "Wedding in a Communal Flat",
            "Tamara Belova",
            "1957",
            "Thirty guests in one room, a gramophone borrowed from the neighbours and a cake balanced on the wardrobe.",
        ),
        (
            "Свадьба в коммуналке",
            "Тамара Белова",
            "1957",
            "Тридцать гостей в одной комнате, патефон, взятый у соседей, и торт на шкафу.",
        ),
        "photography history",
        {"happy": 0.8, "surprise": 0.2},
        3,
    ),
    _exhibit(
        "photography",
        "evacuated-children",
        (
            "Evacuated Children at the Station",
            "Unknown war correspondent",
            "1941",
            "Children with name tags on their coats wait for a train east; most of them came home, not all.",
        ),
        (
            "Эвакуированные дети на вокзале",
            "Неизвестный военный корреспондент",
            "1941",
            "Дети с бирками на пальто ждут поезда на восток; большинство вернулись домой, но не все.",
        ),
        "photography history",
        {"sad": 0.8, "fear": 0.2},
        3,
    ),
    _exhibit(
        "photography",
        "steelworker-portrait",
        (
            "Portrait of a Steelworker",
            "Lidia Gromova",
            "1972",
            "The glow of molten metal lights a face streaked with soot and sweat at the end of a shift.",
        ),
        (
            "Портрет сталевара",
            "Лидия Громова",
            "1972",
            "Отсвет расплавленного металла освещает лицо в саже и поту в конце смены.",
        ),
        "photography portrait",
        {"neutral": 0.5, "surprise": 0.3, "angry": 0.2},
        2,
    ),
    # Decorative Arts
    _exhibit(
        "decorative-arts",
        "malachite-vase",
        (
            "Malachite Vase",
            "Peterhof Lapidary Works",
            "1840s",
            "Thin slabs of malachite fitted so skilfully that the pattern of the stone looks continuous.",
        ),
        (
            "Малахитовая ваза",
            "Петергофская гранильная фабрика",
            "1840-е",
            "Тонкие пластины малахита подогнаны так искусно, что узор камня кажется сплошным.",
        ),
        "decorative",
        {"surprise": 0.6, "happy": 0.3, "neutral": 0.1},
        2,
    ),
    _exhibit(
        "decorative-arts",
        "forget-me-not-tea-set",
        (
            "Tea Set with Forget-me-nots",
            "Imperial Porcelain Factory",
            "1890s",
            "A tea set for twelve painted with forget-me-nots; in 130 years only one cup has been broken.",
        ),
        (
            "Чайный сервиз с незабудками",
            "Императорский фарфоровый завод",
            "1890-е",
            "Сервиз на двенадцать персон, расписанный незабудками; за 130 лет разбита только одна чашка.",
        ),
        "decorative ceramics",
        {"happy": 0.6, "neutral": 0.4},
        2,
    ),
    _exhibit(
        "decorative-arts",
        "singing-bird-box",
        (
            "Snuffbox with a Singing Bird",
            "Geneva workshop",
            "c. 1820",
            "Wind the key and a bird of real feathers rises from the lid, turns and sings for fifteen seconds.",
        ),
        (
            "Табакерка с поющей птичкой",
            "Женевская мастерская",
            "около 1820 г.",
            "Заведите ключ — и из крышки поднимается птичка из настоящих перьев, поворачивается и поёт "
            "пятнадцать секунд.",
        ),
        "decorative mechanics",
        {"surprise": 0.6, "happy": 0.4},
        3,
    ),
    _exhibit(
        "decorative-arts",
        "bridal-towel",
        (
            "Embroidered Bridal Towel",
            "Village needlewomen of the Upper Volga",
            "late 19th century",
            "Birds and trees of life in red linen thread; a bride embroidered such towels herself for years "
            "before the wedding.",
        ),
        (
            "Свадебное полотенце с вышивкой",
            "Деревенские вышивальщицы Верхней Волги",
            "конец XIX века",
            "Птицы и древо жизни красной льняной нитью; такие полотенца невеста годами вышивала сама до свадьбы.",
        ),
        "decorative textiles",
        {"happy": 0.5, "neutral": 0.3, "sad": 0.2},
        2,
    ),
]
